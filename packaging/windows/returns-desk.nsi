; Returns Desk — Windows installer (NSIS 3, Unicode). Per-machine install, Start-menu entry, uninstaller,
; and a silent install that takes the site configuration:
;
;   ReturnsDesk-setup.exe /S /CONFIG=\\server\share\station.toml [/STATION=D07] [/D=C:\Program Files\Returns Desk]
;   "C:\Program Files\Returns Desk\uninstall.exe" /S [/PURGE]
;
; Every message box has a silent default (/SD), so /S never waits for a person. Exit codes: 0 installed,
; 2 stopped (for example /CONFIG names a file that cannot be read; the reason is in the install log).
;
; makensis works in the script's folder (paths below are relative to it). Compiled by `.github/workflows/windows.yml` around the Windows bundle, and by `make package` around the
; Linux bundle only to prove the script compiles (that .exe holds Linux files and is never shipped):
;   makensis -DVERSION=0.1.0 -DBUNDLE_DIR=dist\returns-desk -DOUTFILE=ReturnsDesk-setup-0.1.0.exe returns-desk.nsi

Unicode true
ManifestDPIAware true

!ifndef VERSION
  !error "give the version: makensis -DVERSION=0.1.0 ..."
!endif
!ifndef BUNDLE_DIR
  !error "give the PyInstaller bundle folder: makensis -DBUNDLE_DIR=dist\returns-desk ..."
!endif
!ifndef OUTFILE
  !define OUTFILE "ReturnsDesk-setup-${VERSION}.exe"
!endif
!ifndef COMPRESSOR
  !define COMPRESSOR "lzma"
!endif
!ifndef SITE_TEMPLATE
  !define SITE_TEMPLATE "../site/station.toml.example"
!endif

!define PRODUCT "Returns Desk"
!define PUBLISHER "Returns Desk maintainers"
!define GUI_EXE "returns-desk-gui.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\ReturnsDesk"
!define DIR_KEY "Software\ReturnsDesk"
; platformdirs' site_config_dir("ReturnsDesk") on Windows: where app/config.py reads the system file.
!define SITE_DIR "$APPDATA\ReturnsDesk"  ; C:\ProgramData\ReturnsDesk: $APPDATA with SetShellVarContext all

SetCompressor /SOLID ${COMPRESSOR}
Name "${PRODUCT} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${PRODUCT}"
InstallDirRegKey HKLM "${DIR_KEY}" "InstallDir"
RequestExecutionLevel admin
ShowInstDetails show
BrandingText " "

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

!define MUI_ICON "../icons/returns-desk.ico"
!define MUI_UNICON "../icons/returns-desk.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!define MUI_FINISHPAGE_RUN_NOTCHECKED

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "${PRODUCT} installer"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "${PUBLISHER}"

Var ConfigSource   ; /CONFIG=: the site configuration to install (a UNC path works)
Var StationId      ; /STATION=: written into that configuration as station_id

Function .onInit
  SetShellVarContext all
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP|MB_OK "${PRODUCT} needs 64-bit Windows." /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/CONFIG=" $ConfigSource
  ${If} ${Errors}
    StrCpy $ConfigSource ""
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/STATION=" $StationId
  ${If} ${Errors}
    StrCpy $StationId ""
  ${EndIf}
  ${If} $ConfigSource != ""
  ${AndIfNot} ${FileExists} "$ConfigSource"
    MessageBox MB_ICONSTOP|MB_OK "The site configuration $ConfigSource cannot be read. Check the path in /CONFIG= \
      and that this computer's account may read the share, then run the installer again." /SD IDOK
    SetErrorLevel 2
    Abort
  ${EndIf}
FunctionEnd

Section "Returns Desk" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the program files; the site configuration and each user's data are elsewhere.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE_DIR}/*"

  Call InstallSiteConfig

  CreateShortCut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0 \
    SW_SHOWNORMAL "" "Grade returned items, print their labels and slips"

  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "${DIR_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${GUI_EXE}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

; The site configuration: /CONFIG= replaces it (the old one kept as station.toml.bak); without /CONFIG= an
; existing one is kept as IT left it, and a new machine gets the commented template.
Function InstallSiteConfig
  CreateDirectory "${SITE_DIR}"
  ${If} $ConfigSource != ""
    ${If} ${FileExists} "${SITE_DIR}\station.toml"
      Delete "${SITE_DIR}\station.toml.bak"
      Rename "${SITE_DIR}\station.toml" "${SITE_DIR}\station.toml.bak"
    ${EndIf}
    ClearErrors
    CopyFiles /SILENT "$ConfigSource" "${SITE_DIR}\station.toml"
    ${If} ${Errors}
      MessageBox MB_ICONSTOP|MB_OK "Could not copy $ConfigSource to ${SITE_DIR}\station.toml." /SD IDOK
      SetErrorLevel 2
      Abort
    ${EndIf}
    DetailPrint "Site configuration installed from $ConfigSource"
  ${ElseIfNot} ${FileExists} "${SITE_DIR}\station.toml"
    SetOutPath "${SITE_DIR}"
    File "/oname=station.toml" "${SITE_TEMPLATE}"
    SetOutPath "$INSTDIR"
  ${EndIf}
  ${If} $StationId != ""
    Call SetStationId
  ${EndIf}
FunctionEnd

; Writes `station_id = "<id>"` as the file's first line and comments out any other top-level station_id line,
; so the file stays valid TOML and says which id the installer gave. The app checks the id's form at start
; (and `returns-desk doctor` reports it).
Function SetStationId
  StrCpy $R1 "${SITE_DIR}\station.toml"
  StrCpy $R2 "${SITE_DIR}\station.toml.new"
  ClearErrors
  FileOpen $R3 $R1 r
  FileOpen $R4 $R2 w
  ${If} ${Errors}
    MessageBox MB_ICONSTOP|MB_OK "Could not write the station id into $R1." /SD IDOK
    SetErrorLevel 2
    Abort
  ${EndIf}
  FileWrite $R4 'station_id = "$StationId"  # set by the installer (/STATION=)$\r$\n'
  ${Do}
    ClearErrors
    FileRead $R3 $R5
    ${If} ${Errors}
      ${ExitDo}
    ${EndIf}
    StrCpy $R6 $R5 10
    ${If} $R6 == "station_id"
      StrCpy $R5 "# $R5"
    ${EndIf}
    FileWrite $R4 $R5
  ${Loop}
  FileClose $R3
  FileClose $R4
  Delete $R1
  Rename $R2 $R1
  DetailPrint "Station id set to $StationId"
FunctionEnd

Function un.onInit
  SetShellVarContext all
  SetRegView 64
FunctionEnd

; Uninstalling removes the program, its shortcut and registry entries. The site configuration goes only when
; asked: /PURGE, or Yes to the question (silently: No). Users' databases, settings and logs in their profiles
; are never touched (docs/installing.md says where they are).
Section "Uninstall"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\returns-desk.exe"
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegKey HKLM "${DIR_KEY}"

  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PURGE" $R1
  ${IfNot} ${Errors}
    RMDir /r "${SITE_DIR}"
  ${ElseIf} ${FileExists} "${SITE_DIR}\station.toml"
    MessageBox MB_YESNO|MB_ICONQUESTION "Also remove the site configuration (${SITE_DIR})?" /SD IDNO IDNO keep
    RMDir /r "${SITE_DIR}"
    keep:
  ${EndIf}
SectionEnd
