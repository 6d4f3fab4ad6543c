"""The comparison stage: every strategy's numbers, computed by the engine when the section opens.

The engine runs in a thread worker; the worker only posts `ComparisonComputed` and the widget
fills its table on the UI side. Columns and rows a step focuses on are marked with » as well as
styled, so the emphasis survives NO_COLOR.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.table import Table
from rich.text import Text
from textual.containers import ScrollableContainer
from textual.message import Message
from textual.widgets import Static

from app.words import word
from models.course import Fleet

# (field, header key, how to format it) in the order the table shows them.
COLUMNS = (("failed", "tbl.failed", "{:,}"), ("downtime_s", "tbl.downtime", "{:.1f}"),
           ("min_serving", "tbl.min_serving", "{}"), ("max_instances", "tbl.max_instances", "{}"),
           ("duration_s", "tbl.duration", "{:.1f}"), ("rollback_s", "tbl.rollback", "{:.1f}"))


def compute(strategies: Sequence[str], fleet: Fleet) -> tuple:
    """Rows for `strategies` on `fleet`, from the engine."""
    from models.compare import compare_strategies

    return compare_strategies(tuple(strategies), servers=fleet.servers, seed=fleet.seed,
                              rps=fleet.rps)


@dataclass
class ComparisonComputed(Message):
    """The engine finished the comparison (rows), or could not (error)."""

    rows: tuple
    error: str = ""


class ComparisonView(ScrollableContainer):
    """A table of `compare_strategies` rows with localized headers."""

    DEFAULT_CSS = """
    ComparisonView { height: 1fr; padding: 0 1; }
    ComparisonView > #comparison-table { width: 1fr; }
    """

    def __init__(self, strategies: Sequence[str], fleet: Fleet, lang: str, *,
                 instant: bool = False, computed: dict | None = None, id: str | None = None):
        """`computed`, when given, keeps rows by (strategies, fleet) across views: the engine is
        deterministic, so a table is computed once for as long as its owner (the App) lives."""
        super().__init__(id=id)
        self.strategies = tuple(strategies)
        self.fleet = fleet
        self.computed = computed if computed is not None else {}
        self.lang = lang
        self.instant = instant
        self.rows: tuple | None = None
        self.error = ""
        self.focus_names: frozenset[str] = frozenset()

    def compose(self):
        yield Static(id="comparison-table")

    @property
    def key(self) -> tuple:
        return (self.strategies, self.fleet)

    def on_mount(self) -> None:
        if self.key in self.computed:
            self.rows = self.computed[self.key]
        elif self.instant:
            self.rows = self.computed[self.key] = compute(self.strategies, self.fleet)
        else:
            self.run_worker(self._compute, thread=True, exclusive=True, group="comparison")
        self._render_table()

    def _compute(self) -> None:
        try:
            rows = compute(self.strategies, self.fleet)
        except Exception as err:  # the learner sees the reason; the app keeps running
            self.post_message(ComparisonComputed((), str(err)))
            return
        self.post_message(ComparisonComputed(rows))

    def on_comparison_computed(self, message: ComparisonComputed) -> None:
        self.rows, self.error = message.rows, message.error
        if not message.error:
            self.computed[self.key] = message.rows
        self._render_table()

    def set_focus_names(self, names: frozenset[str]) -> None:
        self.focus_names = names
        self._render_table()

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self._render_table()

    def _render_table(self) -> None:
        target = self.query_one("#comparison-table", Static)
        lang = self.lang
        if self.error:
            target.update(Text(word("tbl.failed_to_compute", lang, error=self.error),
                               style="bold red"))
            return
        if self.rows is None:
            target.update(Text(word("tbl.computing", lang), style="italic"))
            return
        focus = self.focus_names
        table = Table(caption=word("tbl.caption", lang, servers=self.fleet.servers,
                                   rps=f"{self.fleet.rps:g}", seed=self.fleet.seed),
                      caption_justify="left", header_style="bold", expand=False,
                      box=box.SIMPLE_HEAD, padding=(0, 1), collapse_padding=True)
        table.add_column(word("tbl.strategy", lang), no_wrap=True)
        for name, key, _fmt in COLUMNS:
            header = word(key, lang)
            table.add_column(f"» {header}" if name in focus else header, justify="right",
                             header_style="bold reverse" if name in focus else "bold",
                             style="bold" if name in focus else "")
        for row in self.rows:
            picked = row.strategy in focus
            label = word(f"strategy.{row.strategy}", lang)
            cells = [Text(f"» {label}" if picked else f"  {label}",
                          style="bold underline" if picked else "")]
            for name, _key, fmt in COLUMNS:
                value = getattr(row, name)
                cells.append(Text("–" if value is None else fmt.format(value),
                                  style=self._value_style(name, value)))
            table.add_row(*cells)
        target.update(table)

    @staticmethod
    def _value_style(name: str, value) -> str:
        if name in ("failed", "downtime_s") and value:
            return "bold red"
        if name == "min_serving" and value == 0:
            return "bold red"
        return ""
