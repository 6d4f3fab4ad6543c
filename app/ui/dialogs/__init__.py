"""Dialogs over a screen: help, confirmations and the exercise picker."""
