"""Colours and sizes for a screen read at arm's length, with gloves on, in a bright and noisy dock."""

from __future__ import annotations

GOOD = "#1b7f3b"
BAD = "#b3261e"
WARN = "#a15c00"
INK = "#111418"
MUTED = "#4a5260"
PAPER = "#f6f7f9"
CARD = "#ffffff"
ACCENT = "#1f5fbf"

GRADE_COLOURS = {"A": "#1b7f3b", "B": "#2e7d99", "C": "#a15c00", "D": "#b3541e", "Salvage": "#6b3fa0"}

STYLESHEET = f"""
QWidget {{ font-size: 18pt; color: {INK}; background: {PAPER}; }}
QLabel#title {{ font-size: 30pt; font-weight: 700; }}
QLabel#subtitle {{ font-size: 18pt; color: {MUTED}; }}
QLabel#prompt {{ font-size: 26pt; font-weight: 600; }}
QLabel#hint {{ font-size: 15pt; color: {MUTED}; }}
QLabel#question {{ font-size: 30pt; font-weight: 700; }}
QLabel#option {{ font-size: 24pt; background: {CARD}; border: 2px solid #c9ced6; border-radius: 10px;
                 padding: 14px 20px; }}
QLabel#grade {{ font-size: 72pt; font-weight: 800; color: white; border-radius: 16px; padding: 8px 28px; }}
QLabel#disposition {{ font-size: 34pt; font-weight: 800; }}
QLabel#reason {{ font-size: 17pt; }}
QLabel#flag {{ font-size: 16pt; font-weight: 700; color: white; background: {WARN}; border-radius: 8px;
               padding: 4px 10px; }}
QLabel#badflag {{ font-size: 16pt; font-weight: 700; color: white; background: {BAD}; border-radius: 8px;
                  padding: 4px 10px; }}
QFrame#card {{ background: {CARD}; border: 2px solid #d5d9e0; border-radius: 14px; }}
QFrame#card QLabel {{ background: {CARD}; }}
QLineEdit {{ font-size: 26pt; padding: 10px; border: 3px solid {ACCENT}; border-radius: 10px; background: white; }}
QLabel#banner {{ font-size: 20pt; font-weight: 700; color: white; padding: 12px 18px; border-radius: 10px; }}
QStatusBar, QStatusBar QLabel {{ font-size: 12pt; color: {MUTED}; }}
QProgressBar {{ height: 14px; border: none; background: #dde1e7; border-radius: 7px; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 7px; }}
"""


def money(cents: int) -> str:
    return f"${cents / 100:,.2f}"
