"""The course's table of contents, read straight from the lesson files for the map's first frame.

`lessons.course.load_course` validates every section, which imports the whole engine; the map
needs only numbers, titles, descriptions and step titles. The app draws the map from this index
and loads (and validates) the full course right after the first frame. It has the same shape as
`lessons.course.Course` for what the map reads, and a test keeps the two in agreement.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from lessons import COURSE_DIR, LOCALES

# Plain slotted classes rather than dataclasses: this module loads before the first frame,
# and building dataclasses costs milliseconds there.


class StepEntry:
    """A step's id (what the map needs to find its title)."""

    __slots__ = ("id",)

    def __init__(self, step_id: str):
        self.id = step_id


class SectionEntry:
    """A section as the map lists it."""

    __slots__ = ("id", "order", "stage", "exercise", "steps")

    def __init__(self, section_id: str, order: int, stage: str, exercise: str | None,
                 steps: tuple[StepEntry, ...]):
        self.id, self.order, self.stage, self.exercise, self.steps = (
            section_id, order, stage, exercise, steps)


class TitleEntry:
    __slots__ = ("title",)

    def __init__(self, title: str):
        self.title = title


class SectionWords:
    """A section's title, description and step titles in one language."""

    __slots__ = ("title", "description", "steps")

    def __init__(self, title: str, description: str, steps: dict[str, TitleEntry]):
        self.title, self.description, self.steps = title, description, steps


class CourseIndex:
    """Every section in order, and its words per language."""

    __slots__ = ("sections", "texts")

    def __init__(self, sections: tuple[SectionEntry, ...],
                 texts: dict[str, dict[str, SectionWords]]):
        self.sections, self.texts = sections, texts

    def section(self, section_id: str) -> SectionEntry:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def text(self, lang: str, section_id: str) -> SectionWords:
        return self.texts[lang][section_id]


def _read(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def read_index(root: Path = COURSE_DIR) -> CourseIndex:
    """Read the table of contents; any problem raises (the full loader then names it properly)."""
    sections = []
    for path in sorted((root / "sections").glob("*.toml")):
        data = _read(path)
        steps = tuple(StepEntry(str(step["id"])) for step in data["steps"])
        sections.append(SectionEntry(str(data["id"]), int(data["order"]), str(data["stage"]),
                                     data.get("exercise"), steps))
    if not sections:
        raise ValueError("no sections")
    sections.sort(key=lambda s: s.order)
    texts: dict[str, dict[str, SectionWords]] = {}
    for lang in LOCALES:
        texts[lang] = {}
        for section in sections:
            data = _read(root / lang / f"{section.id}.toml")
            words = data["steps"]
            texts[lang][section.id] = SectionWords(
                str(data["title"]), str(data["description"]),
                {step.id: TitleEntry(str(words[step.id]["title"])) for step in section.steps})
    return CourseIndex(tuple(sections), texts)
