"""The readable `deploylab simulate` report: a summary table and a text timeline (rich only)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from models.report import RunReport

BARS = " ▁▂▃▄▅▆▇█"
OUTCOME_STYLE = {"succeeded": "green", "rolled_back": "yellow", "failed": "red"}


def spark(values: list[int], top: int) -> str:
    """One character per value, scaled to `top` (0 is a blank, so gaps show)."""
    if top <= 0:
        return " " * len(values)
    out = []
    for v in values:
        out.append(BARS[0] if v <= 0 else BARS[max(1, round(v / top * (len(BARS) - 1)))])
    return "".join(out)


def timeline_lines(report: RunReport, width: int = 72) -> list[tuple[str, str]]:
    """(label, sparkline) rows of serving capacity, failures and instances, squeezed to `width`."""
    buckets = report.sim.metrics.buckets
    if not buckets:
        return []
    step = max(1, -(-len(buckets) // width))
    groups = [buckets[i:i + step] for i in range(0, len(buckets), step)]
    serving = [min(b.serving_min for b in g) for g in groups]
    failed = [sum(b.failed for b in g) for g in groups]
    instances = [max(b.instances_max for b in g) for g in groups]
    top = max(max(instances), max(serving), 1)
    return [
        ("serving", spark(serving, top)),
        ("failed", "".join("✗" if f else "·" for f in failed)),
        ("instances", spark(instances, top)),
    ]


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
    bucket_s = report.sim.metrics.bucket_s
    lines = timeline_lines(report)
    if lines:
        step = max(1, -(-len(report.sim.metrics.buckets) // 72))
        console.print(f"\ntimeline (one column = {bucket_s * step:g} s)")
        for label, bar in lines:
            console.print(Text(" " * (10 - cell_len(label)) + f"{label} ", style="dim") + Text(bar))
    if s["failures"]:
        console.print("\nfailed requests:")
        for f in s["failures"]:
            console.print(f"  {f['count']:>6} {f['cause']} "
                          f"from t={f['first_t']:g} s to {f['last_t']:g} s")
    if svg:
        console.save_svg(svg, title="deploylab simulate")
