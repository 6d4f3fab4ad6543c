"""The course's table of contents: every section file and its words, decoded and cross-checked.

This is the one reader of the section files. The course map draws its first frame from it, so
it imports nothing of the engine; `lessons.course.load_course` builds the playable course from
it and runs the checks that need the engine.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import COURSE_DIR, LOCALES
from .files import CourseFileError, TomlLines, decode, fault, read_toml
from .schema.sections import SectionFile, SectionTextFile

STEP_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
SECTION_ID = re.compile(r"\d+(\.\d+)*")  # how section files are named: 5.1, 5.1.2


class Toc:
    """Every section file in order (`sections`), and its words per language (`text`).

    A language's words are read (and checked against the sections) the first time they are
    asked for: the map's first frame needs only the language it shows.
    """

    __slots__ = ("root", "sections", "_texts")

    def __init__(self, root: Path, sections: tuple[SectionFile, ...]):
        self.root, self.sections = root, sections
        self._texts: dict[str, dict[str, SectionTextFile]] = {}

    def section(self, section_id: str) -> SectionFile:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def text(self, lang: str, section_id: str) -> SectionTextFile:
        return self.texts_in(lang)[section_id]

    def texts_in(self, lang: str) -> dict[str, SectionTextFile]:
        """Every section's words in `lang`; raises `CourseFileError` for a broken file."""
        texts = self._texts.get(lang)
        if texts is None:
            texts = {s.id: _read_text(self.root / lang / f"{s.id}.toml", s)
                     for s in self.sections}
            self._texts[lang] = texts
        return texts

    def path(self, section_id: str) -> Path:
        return self.root / "sections" / f"{section_id}.toml"


def read_toc(root: Path = COURSE_DIR, *, langs: tuple[str, ...] = LOCALES) -> Toc:
    """Read and decode every section, and its texts in `langs` (the others when first asked
    for); the first problem is a `CourseFileError` naming the file, the key and its line."""
    section_dir = root / "sections"
    if not section_dir.is_dir():
        raise CourseFileError(section_dir, fault("course_file.no_sections_folder"))
    sections = []
    for path in sorted(section_dir.glob("*.toml")):
        section = decode(path, read_toml(path), SectionFile)
        if section.id != path.stem:
            raise CourseFileError(path, fault("course_file.id_not_file_name", id=section.id),
                                  TomlLines(path).line(("id",)))
        _check_steps(path, section)
        sections.append(section)
    if not sections:
        raise CourseFileError(section_dir, fault("course_file.no_section_files"))
    _check_orphans(root, {s.id for s in sections})
    sections.sort(key=lambda s: s.order)
    for before, after in zip(sections, sections[1:], strict=False):
        if before.order == after.order:
            path = section_dir / f"{after.id}.toml"
            raise CourseFileError(path, fault("course_file.order_taken", order=after.order,
                                              section=before.id),
                                  TomlLines(path).line(("order",)))
    toc = Toc(root, tuple(sections))
    for lang in langs:
        toc.texts_in(lang)
    return toc


def _check_orphans(root: Path, ids: set[str]) -> None:
    """A section's texts or quiz without its section file: the file was lost, and the section
    would silently vanish from the course."""
    for folder in [*(root / lang for lang in LOCALES), root / "quizzes"]:
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
            if SECTION_ID.fullmatch(path.stem) and path.stem not in ids:
                raise CourseFileError(root / "sections" / path.name, fault(
                    "course_file.section_file_missing", words=f"{path.parent.name}/{path.name}"))


def _check_steps(path: Path, section: SectionFile) -> None:
    """Step ids name the texts in every language: one word each, each once."""
    if not section.steps:
        raise CourseFileError(path, fault("course_file.no_steps"))
    seen: set[str] = set()
    line = TomlLines(path).line
    for index, step in enumerate(section.steps):
        if not STEP_ID.fullmatch(step.id):
            raise CourseFileError(path, fault("course_file.step_id_form", id=step.id),
                                  line(("steps", index, "id")))
        if step.id in seen:
            raise CourseFileError(path, fault("course_file.step_id_twice", id=step.id),
                                  line(("steps", index, "id")))
        seen.add(step.id)


def _read_text(path: Path, section: SectionFile) -> SectionTextFile:
    """A section's words in one language: one text per step, one label per pane."""
    text = decode(path, read_toml(path), SectionTextFile)
    step_ids = [step.id for step in section.steps]
    for step_id in step_ids:
        if step_id not in text.steps:
            raise CourseFileError(path, fault("course_file.no_step_text", step=step_id))
    extra = sorted(set(text.steps) - set(step_ids))
    if extra:
        raise CourseFileError(path, fault("course_file.extra_step_text", step=extra[0]),
                              TomlLines(path).line(("steps", extra[0])))
    # A pipeline stage has one pane, the pipeline itself, labelled like a simulation pane.
    names = {"pipeline"} if section.stage == "pipeline" else set(section.panes)
    for name in sorted(names - set(text.panes)):
        raise CourseFileError(path, fault("course_file.no_pane_label", pane=name),
                              TomlLines(path).line(("panes",)))
    for name in sorted(set(text.panes) - names):
        raise CourseFileError(path, fault("course_file.extra_pane_label", pane=name),
                              TomlLines(path).line(("panes", name)))
    return text
