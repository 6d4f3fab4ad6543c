"""The readable `deploylab simulate` report: a summary table and a text timeline (rich only)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from app.ui.widgets.chart import ChartStyles, chart_lines, ideal_rows, plot_width
from app.ui.widgets.palette import Palette
from models.chart import columns, timeline
from models.report import RunReport

OUTCOME_STYLE = {"succeeded": "green", "rolled_back": "yellow", "failed": "red"}
CHART_WIDTH = 100  # at most; narrower on a narrower terminal
LANG = "en"  # the command line reports in English (its flags and JSON keys are English)


def chart_text(report: RunReport, width: int) -> list[Text]:
    """The stage's capacity chart (one implementation: app.ui.widgets.chart) as rich Text lines:
    capacity stacked by version on an absolute axis, failures by reason, p95, time, legend."""
    tl = timeline(report.sim.metrics, report.sim.scenario)
    height = ideal_rows(tl.top) + 5
    styles = ChartStyles.of(Palette.for_theme(dark=True))
    out = []
    for line in chart_lines(tl, width, height, styles, LANG):
        text = Text()
        for seg in line:
            text.append(seg.text, seg.style)
        out.append(text)
    return out


def print_report(report: RunReport, svg: str | None = None, console: Console | None = None) -> None:
    console = console or Console(record=svg is not None, highlight=False)
    s = report.summary()
    spec = report.spec
    title = (f"{spec.strategy}: {spec.servers} servers, {spec.from_version} → {spec.to_version}, "
             f"seed {spec.seed}" + (f", fault {spec.fault}" if spec.fault != "none" else ""))
    table = Table(title=title, show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    outcome = Text(s["outcome"], style=OUTCOME_STYLE.get(s["outcome"], ""))
    rows = [
        ("outcome", outcome),
        ("requests", f"{s['requests']:,} ({s['succeeded']:,} ok, {s['failed']:,} failed)"),
        ("fewest serving", str(s["min_serving"])),
        ("most instances", str(s["max_instances"])),
        ("downtime", f"{s['downtime_s']:g} s"),
        ("duration", f"{s['duration_s']:g} s"),
        ("instance-seconds", f"{s['instance_seconds']:g}"),
        ("serving at the end",
         ", ".join(f"{v}×{n}" for v, n in s["final_versions"].items()) or "none"),
    ]
    for label, value in rows:
        table.add_row(label, value)
    console.print(table)
    width = min(console.width, CHART_WIDTH)
    lines = chart_text(report, width)
    if lines:
        tl = timeline(report.sim.metrics, report.sim.scenario)
        plot = columns(tl, plot_width(tl, width, LANG))
        span = (plot[0].t1 - plot[0].t0) if plot else tl.bucket_s
        console.print(f"\ntimeline (one column = {span:g} s; serving = targets that answer)")
        for line in lines:
            console.print(line, no_wrap=True, crop=True)
    if s["failures"]:
        console.print("\nfailed requests:")
        for f in s["failures"]:
            console.print(f"  {f['count']:>6} {f['cause']} "
                          f"from t={f['first_t']:g} s to {f['last_t']:g} s")
    if svg:
        console.save_svg(svg, title="deploylab simulate")
