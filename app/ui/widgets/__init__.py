"""Widgets the screens compose; no widget imports a screen or a dialog."""
