"""The detail pane's own small style sheet (chips, link buttons, composer, save bar, conflict banner).

Colours come from palette() or are translucent, so the light and dark schemes both read well.
"""

PANE_STYLE = """
QFrame#statusChip {
    border: 1px solid palette(midlight);
    border-radius: 9px;
    background: palette(alternate-base);
}
QFrame#statusChip[warn="true"] {
    border: 1px solid rgba(220, 38, 38, 0.55);
    background: rgba(220, 38, 38, 0.10);
}
QFrame#tagChip {
    border: 1px solid palette(midlight);
    border-radius: 10px;
    background: palette(alternate-base);
}
QToolButton#chipRemove { border: none; padding: 0 2px; }
QLineEdit#tagInput { background: transparent; border: none; padding: 2px 0; }
QPushButton#linkButton {
    border: none;
    background: transparent;
    color: palette(link);
    padding: 1px 0;
    text-align: left;
}
QPushButton#linkButton:hover { text-decoration: underline; }
QToolButton#quickAction {
    padding: 4px 11px;
    border: 1px solid palette(midlight);
    border-radius: 13px;
    background: palette(base);
}
QToolButton#quickAction:hover { border: 1px solid palette(mid); }
QToolButton#quickAction:checked {
    background: palette(highlight);
    color: palette(highlighted-text);
    border: 1px solid palette(highlight);
}
QFrame#composer {
    border: 1px solid palette(midlight);
    border-radius: 8px;
    background: palette(base);
}
QFrame#saveBar { border-top: 1px solid palette(midlight); }
QFrame#conflictBanner {
    border: 1px solid rgba(217, 119, 6, 0.6);
    border-radius: 6px;
    background: rgba(245, 158, 11, 0.14);
    margin: 8px 12px 0 12px;
}
QListView#timelineList, QTreeWidget#historyTree, QListWidget#peopleList {
    background: palette(window);
    border: none;
}
QListWidget#peopleList::item { border-radius: 6px; }
QListWidget#peopleList::item:hover { background: palette(alternate-base); }
QTreeWidget#historyTree::item { padding: 2px 0; }
"""
