"""Colours and sizes for a screen read at arm's length, with gloves on, in a bright and noisy dock.

Sizes are for a 1280×900 window and scale with the window (`window_scale`), so the same screen fits a
1024×768 panel and fills a 1920×1080 one.
"""

from __future__ import annotations

import math

GOOD = "#1b7f3b"
BAD = "#b3261e"
WARN = "#a15c00"
INK = "#111418"
MUTED = "#4a5260"
PAPER = "#f6f7f9"
CARD = "#ffffff"
ACCENT = "#1f5fbf"

GRADE_COLOURS = {"A": "#1b7f3b", "B": "#2e7d99", "C": "#a15c00", "D": "#b3541e", "Salvage": "#6b3fa0"}

# The window size the sizes below are drawn for, and how far they shrink and grow with the window.
DESIGN_SIZE = (1280, 900)
MIN_SCALE, MAX_SCALE, SCALE_STEP = 0.7, 1.25, 0.05


def window_scale(width: int, height: int) -> float:
    """The size factor for a window: the tighter of its width and height against the design size.

    Rounded to steps so a window dragged a few pixels does not restyle the whole screen.
    """
    raw = min(width / DESIGN_SIZE[0], height / DESIGN_SIZE[1])
    stepped = math.floor(raw / SCALE_STEP + 1e-9) * SCALE_STEP  # never above raw: what fits keeps fitting
    return round(max(MIN_SCALE, min(MAX_SCALE, stepped)), 2)


def stylesheet(scale: float = 1.0) -> str:
    def pt(size: float) -> str:
        return f"{size * scale:.1f}pt"

    def px(size: float) -> str:
        return f"{max(1, round(size * scale))}px"

    return f"""
QWidget {{ font-size: {pt(18)}; color: {INK}; background: {PAPER}; }}
QLabel#title {{ font-size: {pt(30)}; font-weight: 700; }}
QLabel#subtitle {{ font-size: {pt(18)}; color: {MUTED}; }}
QLabel#prompt {{ font-size: {pt(26)}; font-weight: 600; }}
QLabel#hint {{ font-size: {pt(15)}; color: {MUTED}; }}
QLabel#question {{ font-size: {pt(30)}; font-weight: 700; }}
QLabel#option {{ font-size: {pt(24)}; background: {CARD}; border: 2px solid #c9ced6; border-radius: {px(10)};
                 padding: {px(14)} {px(20)}; }}
QLabel#optionSmall {{ font-size: {pt(19)}; background: {CARD}; border: 2px solid #c9ced6; border-radius: {px(8)};
                      padding: {px(5)} {px(12)}; }}
QLabel#scanField {{ font-size: {pt(24)}; background: {CARD}; border: 2px solid #c9ced6; border-radius: {px(10)};
                    padding: {px(10)} {px(20)}; }}
QLabel#grade {{ font-size: {pt(64)}; font-weight: 800; color: white; border-radius: {px(16)};
                padding: {px(4)} {px(28)}; }}
QLabel#disposition {{ font-size: {pt(34)}; font-weight: 800; }}
QLabel#reason {{ font-size: {pt(17)}; }}
QLabel#flag {{ font-size: {pt(16)}; font-weight: 700; color: white; background: {WARN}; border-radius: {px(8)};
               padding: {px(4)} {px(10)}; }}
QLabel#badflag {{ font-size: {pt(16)}; font-weight: 700; color: white; background: {BAD}; border-radius: {px(8)};
                  padding: {px(4)} {px(10)}; }}
QFrame#card {{ background: {CARD}; border: 2px solid #d5d9e0; border-radius: {px(14)}; }}
QFrame#card QLabel {{ background: {CARD}; }}  /* the chips below are inside cards: say their colour again */
QFrame#card QLabel#flag {{ background: {WARN}; }}
QFrame#card QLabel#badflag {{ background: {BAD}; }}
QScrollArea, QScrollArea > QWidget > QWidget#scrolled {{ background: {PAPER}; border: none; }}
QLineEdit {{ font-size: {pt(26)}; padding: {px(10)}; border: 3px solid {ACCENT}; border-radius: {px(10)};
             background: white; }}
QLabel#banner {{ font-size: {pt(20)}; font-weight: 700; color: white; padding: {px(12)} {px(18)};
                 border-radius: {px(10)}; }}
QTableWidget#queueTable, QTableWidget#queueTable QHeaderView {{ font-size: {pt(15)}; }}
QTableWidget#queueTable QHeaderView::section {{ padding: {px(4)} {px(8)}; font-weight: 700; }}
QStatusBar, QStatusBar QLabel {{ font-size: {pt(12)}; color: {MUTED}; }}
QWidget#review QLineEdit {{ font-size: {pt(16)}; padding: {px(6)}; }}
QWidget#review QTabBar::tab {{ font-size: {pt(14)}; padding: {px(6)} {px(14)}; }}
QWidget#review QPushButton {{ font-size: {pt(13)}; padding: {px(5)} {px(10)}; }}
QWidget#review QPushButton:disabled {{ color: #9aa1ab; }}
QDialog#review QLabel, QDialog#review QComboBox {{ font-size: {pt(14)}; }}
QWidget#review QTableWidget, QWidget#review QHeaderView, QWidget#review QTextBrowser {{ font-size: {pt(12)}; }}
QFrame#tile {{ background: {CARD}; border: 2px solid #d5d9e0; border-radius: {px(10)}; }}
QFrame#tile:focus {{ border: 3px solid {ACCENT}; }}
QFrame#tile QLabel {{ background: {CARD}; }}
QLabel#tileTitle {{ font-size: {pt(12)}; color: {MUTED}; font-weight: 600; }}
QLabel#tileValue {{ font-size: {pt(22)}; font-weight: 800; }}
QLabel#tileDetail {{ font-size: {pt(11)}; color: {MUTED}; }}
QLabel#definition {{ font-size: {pt(12)}; color: {INK}; }}
QWidget#chart {{ font-size: {pt(11)}; }}
QProgressBar {{ height: {px(14)}; border: none; background: #dde1e7; border-radius: {px(7)}; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: {px(7)}; }}
"""


STYLESHEET = stylesheet()
