"""The comparison stage: every strategy's numbers, computed by the engine when the section opens.

The engine runs in a thread worker; the worker only posts `ComparisonComputed` and the widget
fills its table on the UI side. Columns and rows a step focuses on are marked with » as well as
styled, so the emphasis survives NO_COLOR.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
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
           ("duration_s", "tbl.duration", "{:.1f}"), ("rollback_s", "tbl.rollback", "{:.1f}"),
           ("busy_failed", "tbl.busy_failed", "{:,}"), ("busy_p95_s", "tbl.busy_p95", "{:.1f}"))


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

    def on_resize(self) -> None:
        self._render_table()  # wide, or turned on its side when the numbers would not fit

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
        target.update(self.table(max(20, self.content_size.width or 80)))

    def table(self, width: int) -> Table:
        """The table for a pane `width` cells wide: a strategy per row when every number and
        every header word fits whole, else a strategy per column (numbers are never cut).
        Headers wrap between words; units are in the caption."""
        lang = self.lang
        focus = self.focus_names
        values = [[self._cell(row, name, fmt) for name, _key, fmt in COLUMNS]
                  for row in self.rows]
        labels = [self._label(row.strategy) for row in self.rows]
        headers = [self._header(name, key) for name, key, _fmt in COLUMNS]

        def longest_word(text: str) -> int:
            return max((cell_len(w) for w in text.split()), default=0)

        # Column widths of each orientation; columns are one cell apart.
        wide = [max(cell_len(label) for label in labels)] + [
            max(longest_word(h), *(cell_len(v[i]) for v in values))
            for i, h in enumerate(headers)]
        side = [max(longest_word(h) for h in headers)] + [
            max(longest_word(label), *(cell_len(c) for c in cells))
            for label, cells in zip(labels, values, strict=True)]
        from models.compare import BUSY_SHARE  # the engine loads with the table, not at start

        caption = word("tbl.caption", lang, servers=self.fleet.servers,
                       rps=f"{self.fleet.rps:g}", seed=self.fleet.seed,
                       busy=f"{BUSY_SHARE * 100:g}")
        table = Table(caption=caption, caption_justify="left", header_style="bold",
                      expand=False, box=box.SIMPLE_HEAD, padding=0, show_edge=False)
        if sum(wide) + len(wide) - 1 <= width:
            table.add_column(word("tbl.strategy", lang), no_wrap=True, width=wide[0])
            for i, (name, _key, _fmt) in enumerate(COLUMNS):
                table.add_column(headers[i], justify="right", width=wide[i + 1],
                                 header_style="bold reverse" if name in focus else "bold",
                                 style="bold" if name in focus else "")
            for row, label, cells in zip(self.rows, labels, values, strict=True):
                picked = row.strategy in focus
                table.add_row(Text(label, style="bold underline" if picked else ""),
                              *(Text(c, style=self._value_style(n, getattr(row, n)))
                                for (n, _k, _f), c in zip(COLUMNS, cells, strict=True)))
            return table
        # On its side: a measure per row, a strategy per column (names wrap, numbers do not).
        fits = sum(side) + len(side) - 1 <= width
        if fits:  # room to spare goes to the measures' names, so fewer of them wrap
            spare = width - (sum(side) + len(side) - 1)
            side[0] = min(side[0] + spare, max(cell_len(h) for h in headers))
        table.add_column(word("tbl.strategy", lang), width=side[0] if fits else None)
        for r, (row, label) in enumerate(zip(self.rows, labels, strict=True)):
            picked = row.strategy in focus
            table.add_column(label.strip(), justify="right",
                             width=side[r + 1] if fits else None,
                             header_style="bold reverse" if picked else "bold")
        for i, (name, _key, _fmt) in enumerate(COLUMNS):
            table.add_row(Text(headers[i], style="bold" if name in focus else ""),
                          *(Text(values[r][i], style=self._value_style(name, getattr(row, name)))
                            for r, row in enumerate(self.rows)))
        return table

    def _cell(self, row, name: str, fmt: str) -> str:
        value = getattr(row, name)
        return "–" if value is None else fmt.format(value)

    def _label(self, strategy: str) -> str:
        label = word(f"strategy.{strategy}", self.lang)
        return f"» {label}" if strategy in self.focus_names else f"  {label}"

    def _header(self, name: str, key: str) -> str:
        header = word(key, self.lang)
        return f"» {header}" if name in self.focus_names else header

    @staticmethod
    def _value_style(name: str, value) -> str:
        if name in ("failed", "downtime_s", "busy_failed") and value:
            return "bold red"
        if name == "min_serving" and value == 0:
            return "bold red"
        return ""
