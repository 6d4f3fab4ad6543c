"""The cluster stage: a load balancer, its targets (hosts or nginx slots) and the traffic between.

One widget draws a whole simulation pane - diagram, metrics line (what users get: targets that
answer of those needed, traffic by version, p95) and the capacity chart (widgets/chart.py) -
from an immutable `Frame` and `Timeline`, so an animation tick costs one redraw and no layout.
Versions differ by colour *and* by shape (◇ old, ◆ new); links that receive traffic are solid
(━━▸), others dashed (╌╌), so the stage reads without colour too.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from app.ui.widgets.canvas import Line, LinesView, Palette, centre
from app.ui.widgets.chart import ChartStyles, chart_lines, duration, ideal_rows
from app.words import word
from models.chart import EMPTY, Timeline, timeline
from models.frames import Frame, NodeView

BOX_W = 7  # ┌─────┐
LARGE_BOX_W = 11  # the presenter's load balancer: 11 cells by 5 rows
BOXED_SPACING = 4  # rows from one boxed server to the next: its 3-row box and a row of air


def _boxed_positions(rows: list, spacing: int) -> list[int]:
    """Where each row goes when servers are boxed: `spacing` rows from a server to the next
    row, two from a group's heading to its first server (the box's top sits between) and three
    from a box to the next group's heading (the box's bottom and a row of air)."""
    positions: list[int] = []
    y = 0 if rows and rows[0].kind == "group" else 1  # else row 0 is the first box's top
    for i, row in enumerate(rows):
        if i:
            before = rows[i - 1].kind
            y += 2 if before == "group" else min(spacing, 3) if row.kind == "group" else spacing
        positions.append(y)
    return positions
DOT_GAP = 3  # cells between two requests on the same link
PROBE_SHOWN_S = 8.0  # simulated seconds a routine probe's result stays next to its node
# A probe's result as the stage words it; the glyph carries pass/fail without colour.
CHECK_WORDS = {"200": "check.ok", "500": "check.http500", "down": "check.down",
               "starting": "check.starting", "timeout": "check.timeout"}
CHECK_BY = {"alb": "check.alb", "probe": "check.probe"}
# (up, down, left, right) -> the light box-drawing character joining those directions.
JOINS = {
    (True, True, False, True): "├", (True, False, False, True): "└",
    (False, True, False, True): "┌", (True, True, True, True): "┼",
    (True, False, True, True): "┴", (False, True, True, True): "┬",
    (False, False, True, True): "─", (False, False, False, True): "─",
    (True, True, False, False): "│", (True, True, True, False): "┤",
    (True, False, True, False): "┘", (False, True, True, False): "┐",
    (True, False, False, False): "│", (False, True, False, False): "│",
}


def timeline_of(sim) -> Timeline:
    """What the capacity chart and the metrics line read of a run so far (immutable)."""
    return timeline(sim.metrics, sim.scenario)


@dataclass(frozen=True)
class Row:
    """One row of the diagram: a group heading, or a node (depth 1 = a slot under its host)."""

    kind: str  # "group" | "node" | "more"
    group: str = ""
    node: NodeView | None = None
    depth: int = 0
    count: int = 0


def receiving(node: NodeView, frame: Frame, host: NodeView | None = None) -> bool:
    """Whether the load balancer (or nginx, for a slot) sends this node requests now."""
    if node.kind == "slot":
        return node.live and host is not None and receiving(host, frame)
    return node.lb == "healthy" or (frame.fail_open and node.lb == "unhealthy")


def answering(node: NodeView) -> bool:
    if node.kind == "slot":
        return node.state == "running" and node.good
    return node.state == "running" and node.version is not None and node.good


def state_key(node: NodeView) -> str:
    """Which state word describes the node: its lifecycle first, then its load-balancer health."""
    if node.kind == "slot":
        if node.state == "running":
            return "st.live" if node.live else "st.idle"
        return {"starting": "st.starting", "stopped": "st.stopped"}.get(node.state, "st.empty")
    if node.state in ("launching", "deploying", "stopped", "terminated"):
        return f"st.{node.state}"
    return f"st.{node.lb}" if node.lb else "st.healthy"


def format_clock(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class ClusterView(LinesView):
    """One simulation pane of the stage: diagram, metrics and chart, drawn as lines."""

    DEFAULT_CSS = """
    ClusterView { height: 1fr; min-height: 4; padding: 0 1; }
    """

    def __init__(self, label: str, versions: tuple[str, str], lang: str, *,
                 id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.label = label
        self.versions = versions
        self.lang = lang
        self.frame: Frame | None = None
        self.timeline: Timeline = EMPTY
        self.focus_names: frozenset[str] = frozenset()
        self.dots: dict[str, list[int]] = {}
        self._served: dict[str, int] = {}
        self._link_len = {0: 8, 1: 4}
        self._chart_key: tuple | None = None
        self._chart_lines: list[Line] = []
        # The presenter's stage (--present): a bigger load balancer and each server in a box of
        # its own, when the pane has the room.
        self.large = False

    # --- what the screen calls -----------------------------------------------------------
    def show(self, frame: Frame, timeline: Timeline,
             focus: frozenset[str] = frozenset(), *, animate: bool = False) -> None:
        """Draw `frame`; when animating, requests served since the last frame set off dots."""
        if animate:
            for node in frame.nodes:
                if node.served > self._served.get(node.name, node.served):
                    dots = self.dots.setdefault(node.name, [])
                    if not dots or dots[-1] >= DOT_GAP:
                        dots.append(0)
        else:
            self.dots.clear()
        self._served = {n.name: n.served for n in frame.nodes}
        self.frame, self.timeline, self.focus_names = frame, timeline, focus
        self.redraw()

    def move_dots(self) -> bool:
        """Move every request one cell along its link; returns whether any are still moving."""
        if not self.dots:
            return False
        nodes = self.frame.nodes if self.frame else ()
        depth = {n.name: (1 if n.kind == "slot" else 0) for n in nodes}
        for name in list(self.dots):
            limit = self._link_len[depth.get(name, 0)]
            moved = [p + 1 for p in self.dots[name] if p + 1 < limit]
            if moved:
                self.dots[name] = moved
            else:
                del self.dots[name]
        self.redraw()
        return bool(self.dots)

    def set_texts(self, label: str, lang: str) -> None:
        self.label, self.lang = label, lang
        self.redraw()

    # --- drawing -------------------------------------------------------------------------
    def version_style(self, version: str | None) -> tuple[str, Style]:
        pal = self.palette
        if version is None:
            return "  ─   ", pal.dim
        if version == self.versions[0]:
            return f"◇ {version}", pal.old
        if version == self.versions[1]:
            return f"◆ {version}", pal.new
        return f"◈ {version}", pal.other

    def state_style(self, key: str, pal: Palette) -> Style:
        if key in ("st.healthy", "st.live"):
            return pal.healthy
        if key in ("st.initial", "st.launching", "st.starting", "st.deploying"):
            return pal.checking
        if key in ("st.draining",):
            return pal.warning
        if key in ("st.unhealthy", "st.http500"):
            return pal.error
        return pal.dim

    def rows(self, frame: Frame, room: int) -> list[Row]:
        rows: list[Row] = []
        groups = []
        for node in frame.nodes:
            if node.kind == "host" and node.group not in groups:
                groups.append(node.group)
        show_groups = len(groups) > 1 or groups[:1] in (["blue"], ["green"])
        for group in groups:
            if show_groups:
                rows.append(Row("group", group=group))
            for node in frame.nodes:
                if node.group != group:
                    continue
                rows.append(Row("node", group=group, node=node,
                                depth=1 if node.kind == "slot" else 0))
        if len(rows) > room >= 2:
            hidden = len(rows) - (room - 1)
            rows = rows[:room - 1] + [Row("more", count=hidden)]
        return rows

    def build(self, width: int, height: int) -> list[Line]:
        pal = self.palette
        lines: list[Line] = [self._title_line(width, pal)]
        frame = self.frame
        if frame is None:
            return lines
        avail = height - 2  # below the title, above the metrics line
        rows = self.rows(frame, max(1, avail))
        n = len(rows)
        # Room is handed out in order of use: the diagram, a small chart (a capacity row,
        # failures, the time axis), air between nodes, a taller chart, more air, the rest of
        # the chart (a row per target, latency, the legend); what is left goes above the diagram.
        want = ideal_rows(self.timeline.top) * (2 if avail >= 40 else 1) + 5
        used = max(3, n)
        chart_h = 0
        if avail - used >= 4 and width >= 24:
            chart_h, used = 3, used + 4  # a blank row above the chart
        spacing = 1
        if n > 1 and avail - used >= n - 1:
            spacing, used = 2, used + n - 1
        while chart_h and chart_h < min(want, 8 if n > 6 else want) and avail - used >= 1:
            chart_h, used = chart_h + 1, used + 1
        if 1 < n <= 6 and avail - used >= n - 1:
            spacing, used = 3, used + n - 1
        # A projector-sized pane (--present, 200x60): more air between nodes, so the stage fills
        # the screen instead of leaving half of it empty (the chart grows with it, below).
        if avail >= 36:
            if 6 < n <= 12 and spacing < 3 and avail - used >= n - 1 + 8:
                spacing, used = 3, used + n - 1
            if 1 < n <= 6 and avail - used >= 2 * (n - 1) + 8:
                spacing, used = 5, used + 2 * (n - 1)
        if self.large and avail >= 36 and n > 1 and width >= 60 and not any(
                node.kind == "slot" for node in frame.nodes):
            boxed = self._build_boxed(frame, rows, width, avail, want, pal)
            if boxed:
                return lines + boxed
        while chart_h and chart_h < want and avail - used >= 1:
            chart_h, used = chart_h + 1, used + 1
        top = max(0, avail - used) // 3
        lines.extend([] for _ in range(top))
        diagram = self._diagram(frame, rows, spacing, width, pal)
        room = avail - top - (chart_h + 1 if chart_h else 0)
        lines.extend(diagram[:max(1, room)])
        if chart_h:
            lines.append([])
            lines.extend(self._chart(width, chart_h, pal))
        lines.append(self._metrics_line(frame, pal, width))
        return lines

    def _build_boxed(self, frame: Frame, rows: list[Row], width: int, avail: int, want: int,
                     pal: Palette) -> list[Line]:
        """The presenter's stage below the title: servers in boxes with as much air between
        them as leaves the chart its full height (a row at least, the chart then shorter), the
        chart in the rest; [] if it does not fit."""
        tries = [(spacing, want) for spacing in range(BOXED_SPACING + 4, BOXED_SPACING, -1)]
        for spacing, least_chart in tries + [(BOXED_SPACING, 8)]:
            positions = _boxed_positions(rows, spacing)
            diagram_h = positions[-1] + 2
            chart_h = min(want, avail - diagram_h - 1)
            if chart_h < least_chart:
                continue
            top = (avail - diagram_h - 1 - chart_h) // 3
            lines: list[Line] = [[] for _ in range(top)]
            lines += self._diagram(frame, rows, spacing, width, pal, boxed=True,
                                   positions=positions)[:diagram_h]
            lines.append([])
            lines.extend(self._chart(width, chart_h, pal))
            lines.append(self._metrics_line(frame, pal, width))
            return lines
        return []

    def _chart(self, width: int, height: int, pal: Palette) -> list[Line]:
        """The chart's lines, kept while the timeline, size and colours stay: moving request
        dots redraw the pane many times a second without a new timeline."""
        key = (self.timeline, width, height, pal, self.lang)
        if self._chart_key != key:
            self._chart_key = key
            self._chart_lines = chart_lines(self.timeline, width, height, ChartStyles.of(pal),
                                            self.lang)
        return self._chart_lines

    def _title_line(self, width: int, pal: Palette) -> Line:
        line: Line = [Segment(self.label, pal.strong)]
        frame = self.frame
        if frame is not None and (frame.action or frame.fail_open):
            note, style = ((word("lb.fail_open", self.lang), pal.error) if frame.fail_open
                           else (f"▶ {frame.action}", pal.checking))
            gap = width - cell_len(self.label) - cell_len(note)
            if gap >= 2:
                line += [Segment(" " * gap), Segment(note, style)]
        return line

    def _metrics_line(self, frame: Frame, pal: Palette, width: int) -> Line:
        """What users get: targets answering of those needed, traffic by version, p95 latency,
        failures; then instances, ok and time. When it is narrow, ok goes first, then time,
        p95, instances (lessons point at the instance count) and the share."""
        lang, tl = self.lang, self.timeline
        answering, needed = frame.answering, frame.needed or frame.instances
        serving_style = (pal.healthy if answering >= needed else
                         pal.warning if answering else pal.error)
        share: Line = []
        for version, pct in tl.share:
            if share:
                share.append(Segment(" / ", pal.dim))
            share.append(Segment(f"{version} {pct:.0f}%", self.version_style(version)[1]))
        parts: dict[str, Line] = {
            "serving": [Segment(word("m.serving", lang, n=answering, total=needed),
                                serving_style)],
            "share": share,
            "p95": ([Segment(word("m.p95", lang, t=duration(tl.p95_ms)))]
                    if tl.p95_ms is not None else []),
            "failed": [Segment(word("m.failed", lang, n=f"{frame.failed:,}"),
                               pal.error if frame.failed else Style())],
            "ok": [Segment(word("m.ok", lang, n=f"{frame.ok:,}"))],
            "instances": [Segment(word("m.instances", lang, n=frame.instances))],
            "time": [Segment(word("m.time", lang, t=format_clock(frame.t)), pal.dim)],
        }
        order = [k for k in ("serving", "share", "p95", "failed", "instances", "ok", "time")
                 if parts[k]]
        sep = " · "
        for drop in ("", "ok", "time", "p95", "instances", "share"):
            if drop in order:
                order.remove(drop)
            size = sum(cell_len(seg.text) for k in order for seg in parts[k])
            if size + len(sep) * (len(order) - 1) <= width:
                break
        line: Line = []
        for key in order:
            if line:
                line.append(Segment(sep, pal.dim))
            line.extend(parts[key])
        return line

    def _diagram(self, frame: Frame, rows: list[Row], spacing: int, width: int,
                 pal: Palette, *, boxed: bool = False,
                 positions: list[int] | None = None) -> list[Line]:
        """The load balancer, the trunk and a line per row; `boxed` (the presenter's stage)
        draws a bigger load balancer and each server in a 3-row box at `positions`."""
        lb_w, lb_half = (LARGE_BOX_W, 2) if boxed else (BOX_W, 1)
        if positions is None:
            positions = [i * spacing for i in range(len(rows))]
        height = max(3, positions[-1] + (2 if boxed else 1))
        node_rows = [positions[i] for i, r in enumerate(rows) if r.kind == "node" and r.depth == 0]
        first, last = (node_rows[0], node_rows[-1]) if node_rows else (0, 0)
        box_mid = max(lb_half, (first + last) // 2)
        height = max(height, box_mid + lb_half + 1)
        trunk_x = lb_w + 2
        link = max(4, min(14 if width < 120 else 22, width - trunk_x - 1 - 34))
        self._link_len = {0: link, 1: 4}
        grid: list[Line] = [[] for _ in range(height)]
        # The load balancer box, its middle row wired to the trunk.
        box_label = centre("ALB", lb_w - 2)
        box_style = pal.error if frame.fail_open else pal.strong
        box = ["┌" + "─" * (lb_w - 2) + "┐", *(["│" + " " * (lb_w - 2) + "│"] * (lb_half - 1)),
               f"│{box_label}│", *(["│" + " " * (lb_w - 2) + "│"] * (lb_half - 1)),
               "└" + "─" * (lb_w - 2) + "┘"]
        for dy, text in enumerate(box, -lb_half):
            grid[box_mid + dy].append(Segment(text, box_style))
        lo, hi = min(first, box_mid), max(last, box_mid)
        for y in range(height):
            if not grid[y]:
                grid[y].append(Segment(" " * lb_w))
            grid[y].append(Segment("─" if y == box_mid else " ", box_style))
            up, down = lo < y <= hi, lo <= y < hi
            join = JOINS.get((up, down, y == box_mid, y in node_rows), " ")
            grid[y].append(Segment(join, pal.dim))
        hosts = {n.name: n for n in frame.nodes if n.kind == "host"}
        inner = max((cell_len(self.version_style(r.node.version)[0]) + cell_len(r.node.name)
                     for r in rows if r.kind == "node"), default=0) + 5  # 2 cells of air a side
        slot_rows = [positions[i] for i, r in enumerate(rows) if r.depth == 1]
        for i, row in enumerate(rows):
            y = positions[i]
            if row.kind == "group":
                style = pal.blue if row.group == "blue" else pal.green
                key = f"group.{row.group}"
                grid[y] += [Segment(" "), Segment(f"■ {word(key, self.lang)}", style + pal.strong)]
            elif row.kind == "more":
                grid[y] += [Segment("  " + word("more", self.lang, n=row.count), pal.dim)]
            elif row.depth == 0 and boxed:
                self._boxed_node(grid, y, row.node, frame, link, inner, width, pal)
            elif row.depth == 0:
                grid[y] = self._fitted(grid[y] + self._node_line(row.node, frame, link, pal),
                                       width)
            else:
                host = hosts.get(row.node.name.partition(":")[0])
                grid[y] = self._fitted(
                    grid[y] + self._slot_line(row.node, host, frame, y, slot_rows, pal), width)
        # Rows between a proxy host and its last slot carry nginx's line down.
        if slot_rows:
            host_y = max(y for y in node_rows if y < min(slot_rows))
            for y in range(host_y + 1, max(slot_rows)):
                if y not in positions:
                    grid[y] += [Segment(" " * (link + 4)), Segment("│", pal.dim)]
        return grid

    def _boxed_node(self, grid: list[Line], y: int, node: NodeView, frame: Frame, link: int,
                    inner: int, width: int, pal: Palette) -> None:
        """A server in a box of its own (rows y-1 to y+1): the link points at its middle row,
        its version and name inside, its state after it."""
        on = receiving(node, frame)
        tag, vstyle = self.version_style(node.version)
        focused = node.name in self.focus_names
        name_style = {"blue": pal.blue, "green": pal.green}.get(node.group, Style())
        border = pal.warning + pal.strong if focused else vstyle if node.version else pal.dim
        if focused:
            name_style += pal.focus
        if node.state == "terminated":
            name_style, vstyle, border = pal.dim + Style(strike=True), pal.dim, pal.dim
        lead = Segment(" " * (link + 1))
        grid[y - 1] += [lead, Segment(" "), Segment("┌" + "─" * inner + "┐", border)]
        grid[y + 1] += [lead, Segment(" "), Segment("└" + "─" * inner + "┘", border)]
        body = cell_len(tag) + 1 + cell_len(node.name)
        line = self._link(node.name, link, on, vstyle if node.version else pal.dim,
                          on and not answering(node), pal)
        line += [Segment("»" if focused else " ", pal.warning + pal.strong),
                 Segment("│  ", border), Segment(tag, vstyle), Segment(" "),
                 Segment(node.name, name_style), Segment(" " * (inner - 2 - body)),
                 Segment("│", border), Segment("  ")]
        line += self._state_segments(node, pal)
        grid[y] = self._fitted(grid[y] + line, width)

    def _link(self, name: str, length: int, on: bool, style: Style, broken: bool,
              pal: Palette) -> Line:
        if not on:
            return [Segment("╌" * length, pal.link_off), Segment(" ")]
        cells = ["━"] * length
        for pos in self.dots.get(name, ()):
            if pos < length:
                cells[pos] = "•"
        segs: Line = []
        run = ""
        run_is_dot = False
        for ch in cells:
            is_dot = ch == "•"
            if run and is_dot != run_is_dot:
                segs.append(Segment(run, (style + pal.strong) if run_is_dot else style))
                run = ""
            run += ch
            run_is_dot = is_dot
        if run:
            segs.append(Segment(run, (style + pal.strong) if run_is_dot else style))
        segs.append(Segment("✗" if broken else "▸", pal.error if broken else style))
        return segs

    def _fitted(self, line: Line, width: int) -> Line:
        """A node's line without its probe note when the note would not fit whole: a probe
        result cut to "pro…" says nothing."""
        if sum(cell_len(s.text) for s in line) <= width:
            return line
        return [s for s in line if not s.text.startswith("  ♥ ")]

    def _node_line(self, node: NodeView, frame: Frame, link: int, pal: Palette) -> Line:
        on = receiving(node, frame)
        tag, vstyle = self.version_style(node.version)
        line = self._link(node.name, link, on, vstyle if node.version else pal.dim,
                          on and not answering(node), pal)
        focused = node.name in self.focus_names
        line.append(Segment("»" if focused else " ", pal.warning + pal.strong))
        name_style = {"blue": pal.blue, "green": pal.green}.get(node.group, Style())
        if focused:
            name_style += pal.focus
        if node.state == "terminated":
            name_style = pal.dim + Style(strike=True)
            vstyle = pal.dim
        line += [Segment(tag, vstyle), Segment(" "), Segment(node.name, name_style), Segment("  ")]
        line += self._state_segments(node, pal)
        return line

    def _slot_line(self, node: NodeView, host: NodeView | None, frame: Frame, y: int,
                   slot_rows: list[int], pal: Palette) -> Line:
        on = receiving(node, frame, host)
        tag, vstyle = self.version_style(node.version)
        if node.state == "empty":
            tag, vstyle = "□ ····", pal.dim  # no process: an empty box, not a version
        link = self._link_len[0]
        last = y == max(slot_rows)
        line: Line = [Segment(" " * (link + 4)), Segment("└" if last else "├", pal.dim)]
        line += self._link(node.name, self._link_len[1], on, vstyle if node.version else pal.dim,
                           on and not answering(node), pal)
        focused = node.name in self.focus_names
        line.append(Segment("»" if focused else " ", pal.warning + pal.strong))
        port = ":" + node.name.partition(":")[2]
        line += [Segment(tag, vstyle), Segment(" "),
                 Segment(port, pal.focus if focused else pal.strong), Segment("  ")]
        line += self._state_segments(node, pal)
        if node.live:  # where nginx sends requests: a pointer, red when nothing answers there
            broken = not answering(node)
            line.append(Segment("  ◀ " + word("st.nginx_here", self.lang)
                                + (f" · {word('st.bad_gateway', self.lang)}" if broken else ""),
                                pal.error if broken else pal.strong))
        return line

    def _state_segments(self, node: NodeView, pal: Palette) -> Line:
        key = state_key(node)
        segs: Line = [Segment(word(key, self.lang), self.state_style(key, pal))]
        if node.state == "deploying" and node.phase:
            segs.append(Segment(f" · {node.phase}", pal.checking))
        if (node.kind == "host" and node.version is None and node.state == "running"
                and not self._is_proxy(node)):  # a proxy host's slots say what runs
            segs.append(Segment(f" · {word('st.no_app', self.lang)}", pal.dim))
        if not node.good and node.version is not None and node.state == "running":
            segs.append(Segment(f" · {word('st.http500', self.lang)}", pal.error))
        if node.kind == "host" and node.state not in ("terminated",) and self._is_proxy(node):
            live = self._live_port(node)
            if live:
                segs.append(Segment(f"  {word('nginx', self.lang, port=live)}", pal.dim))
        if key == "st.draining" and node.in_flight:
            in_flight = word("st.in_flight", self.lang, n=node.in_flight)
            segs.append(Segment(f" · {in_flight}", pal.warning))
        if node.queued:
            segs.append(Segment(f" · {word('st.queued', self.lang, n=node.queued)}",
                                pal.warning))
        segs += self._check_segments(node, pal)
        return segs

    def _check_segments(self, node: NodeView, pal: Palette) -> Line:
        """The last health probe and its result: shown a few seconds after a routine one, and
        for as long as it decides something (a target still checking or unhealthy, a slot
        nginx does not point at yet)."""
        check, frame = node.check, self.frame
        if check is None or frame is None or node.state == "terminated":
            return []
        # A host's state waits on the load balancer's checks; a slot's switch on a direct probe.
        deciding = ((node.kind == "host" and check.by == "alb"
                     and node.lb in ("initial", "unhealthy"))
                    or (node.kind == "slot" and not node.live))
        if not deciding and frame.t - check.t > PROBE_SHOWN_S:
            return []
        result = word(CHECK_WORDS.get(check.result, "check.down"), self.lang)
        text = word(CHECK_BY.get(check.by, "check.probe"), self.lang, result=result)
        return [Segment(f"  ♥ {text}", pal.healthy if check.result == "200" else pal.error)]

    def _is_proxy(self, node: NodeView) -> bool:
        return self.frame is not None and any(
            n.kind == "slot" and n.name.startswith(node.name + ":") for n in self.frame.nodes)

    def _live_port(self, node: NodeView) -> str:
        for n in self.frame.nodes if self.frame else ():
            if n.kind == "slot" and n.live and n.name.startswith(node.name + ":"):
                return n.name.partition(":")[2]
        return ""
