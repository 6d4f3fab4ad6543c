"""The course as data: sections, exercises and quizzes in Korean and English, validated on load."""

from pathlib import Path

COURSE_DIR = Path(__file__).parent
LOCALES = ("ko", "en")
