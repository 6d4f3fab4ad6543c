"""The cluster stage: a load balancer, its targets (hosts or nginx slots) and the traffic between.

One widget draws a whole simulation pane - diagram, metrics line and a capacity/failure chart -
from an immutable `Frame`, so an animation tick costs one redraw and no layout. Versions differ
by colour *and* by shape (◇ old, ◆ new); links that receive traffic are solid (━━▸), others
dashed (╌╌), so the stage reads without colour too.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from app.ui.widgets.canvas import Line, LinesView, Palette, centre, fit
from app.words import word
from models.frames import Frame, NodeView

BOX_W = 7  # ┌─────┐
TRUNK_X = BOX_W + 2
DOT_GAP = 3  # cells between two requests on the same link
BARS = "▁▂▃▄▅▆▇█"
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


def timeline_of(sim) -> tuple[tuple[int, int], ...]:
    """(fewest serving, failed requests) per metrics bucket: what the capacity chart draws."""
    return tuple((b.serving_min, b.failed) for b in sim.metrics.buckets)


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


def spark(values: list[int], top: int) -> list[int]:
    """Bar heights 0..8 (0 = nothing) for values scaled to `top`."""
    if top <= 0:
        return [0 for _ in values]
    return [0 if v <= 0 else max(1, min(8, round(8 * v / top))) for v in values]


def squeeze(timeline: tuple[tuple[int, int], ...], width: int) -> list[tuple[int, int]]:
    """Fit the whole run into `width` columns: lowest capacity and summed failures per column."""
    n = len(timeline)
    if n <= width or width <= 0:
        return list(timeline)
    per = -(-n // width)
    out = []
    for i in range(0, n, per):
        chunk = timeline[i:i + per]
        out.append((min(c for c, _ in chunk), sum(f for _, f in chunk)))
    return out


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
        self.timeline: tuple[tuple[int, int], ...] = ()
        self.focus_names: frozenset[str] = frozenset()
        self.dots: dict[str, list[int]] = {}
        self._served: dict[str, int] = {}
        self._link_len = {0: 8, 1: 4}

    # --- what the screen calls -----------------------------------------------------------
    def show(self, frame: Frame, timeline: tuple[tuple[int, int], ...],
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
        label_w = max(cell_len(word("chart.capacity", self.lang)),
                      cell_len(word("chart.failed", self.lang)))
        chart_w = width - label_w - 2
        # Room is handed out in order of use: the diagram, a one-row chart, air between
        # nodes, a taller chart, more air; whatever is left goes above the diagram.
        used = max(3, n)
        cap_rows = 0
        if avail - used >= 3 and chart_w >= 8:
            cap_rows, used = 1, used + 3
        spacing = 1
        if n > 1 and avail - used >= n - 1:
            spacing, used = 2, used + n - 1
        while cap_rows and cap_rows < 6 and avail - used >= 1 and (cap_rows < 4 or n <= 6):
            cap_rows, used = cap_rows + 1, used + 1
        if 1 < n <= 6 and avail - used >= n - 1:
            spacing, used = 3, used + n - 1
        top = max(0, avail - used) // 3
        lines.extend([] for _ in range(top))
        diagram = self._diagram(frame, rows, spacing, width, pal)
        room = avail - top - (cap_rows + 2 if cap_rows else 0)
        lines.extend(diagram[:max(1, room)])
        if cap_rows:
            lines.append([])
            lines.extend(self._chart(frame, label_w, chart_w, cap_rows, pal))
        lines.append(self._metrics_line(frame, pal, width))
        return lines

    def _chart(self, frame: Frame, label_w: int, chart_w: int, cap_rows: int,
               pal: Palette) -> list[Line]:
        """Capacity as bars `cap_rows` high, failures as one row of bars, whole run in view."""
        columns = squeeze(self.timeline, chart_w)
        cap = [c for c, _ in columns]
        fails = [f for _, f in columns]
        top = max(max(cap, default=0), frame.instances, 1)
        levels = cap_rows * 8
        heights = [0 if c <= 0 else max(1, round(levels * c / top)) for c in cap]
        out: list[Line] = []
        for r in range(cap_rows):
            floor = (cap_rows - 1 - r) * 8  # levels below this text row
            cells = []
            for h, c in zip(heights, cap, strict=True):
                if c <= 0:
                    cells.append("·" if r == cap_rows - 1 else " ")
                elif h >= floor + 8:
                    cells.append("█")
                elif h > floor:
                    cells.append(BARS[h - floor - 1])
                else:
                    cells.append(" ")
            label = word("chart.capacity", self.lang) if r == cap_rows - 1 else ""
            out.append([Segment(fit(label, label_w), pal.dim), Segment(" ▕", pal.dim),
                        Segment("".join(cells), pal.healthy)])
        bars = spark(fails, max(fails, default=0))
        out.append([Segment(fit(word("chart.failed", self.lang), label_w), pal.dim),
                    Segment(" ▕", pal.dim),
                    Segment("".join(BARS[b - 1] if b else " " for b in bars), pal.error)])
        return out

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
        """Serving, ok, failed, instances and time; the least needed go first when it is narrow."""
        lang = self.lang
        parts = {
            "serving": Segment(word("m.serving", lang, n=frame.serving, total=frame.instances),
                               pal.healthy if frame.serving else pal.error),
            "ok": Segment(word("m.ok", lang, n=f"{frame.ok:,}")),
            "failed": Segment(word("m.failed", lang, n=f"{frame.failed:,}"),
                              pal.error if frame.failed else Style()),
            "instances": Segment(word("m.instances", lang, n=frame.instances)),
            "time": Segment(word("m.time", lang, t=format_clock(frame.t)), pal.dim),
        }
        order = ["serving", "ok", "failed", "instances", "time"]
        for drop in ("", "ok", "time"):
            if drop:
                order.remove(drop)
            sep = " · " if drop != "time" else " "
            if sum(cell_len(parts[k].text) for k in order) + len(sep) * (len(order) - 1) <= width:
                break
        line: Line = []
        for key in order:
            if line:
                line.append(Segment(sep, pal.dim))
            line.append(parts[key])
        return line

    def _diagram(self, frame: Frame, rows: list[Row], spacing: int, width: int,
                 pal: Palette) -> list[Line]:
        height = max(3, (len(rows) - 1) * spacing + 1)
        positions = [i * spacing for i in range(len(rows))]
        node_rows = [positions[i] for i, r in enumerate(rows) if r.kind == "node" and r.depth == 0]
        first, last = (node_rows[0], node_rows[-1]) if node_rows else (0, 0)
        box_mid = max(1, (first + last) // 2)
        height = max(height, box_mid + 2)
        link = max(4, min(14 if width < 120 else 22, width - TRUNK_X - 1 - 34))
        self._link_len = {0: link, 1: 4}
        grid: list[Line] = [[] for _ in range(height)]
        # The load balancer box, its middle row wired to the trunk.
        box_label = centre("ALB", BOX_W - 2)
        box_style = pal.error if frame.fail_open else pal.strong
        for dy, text in ((-1, "┌" + "─" * (BOX_W - 2) + "┐"), (0, f"│{box_label}│"),
                         (1, "└" + "─" * (BOX_W - 2) + "┘")):
            grid[box_mid + dy].append(Segment(text, box_style))
        lo, hi = min(first, box_mid), max(last, box_mid)
        for y in range(height):
            if not grid[y]:
                grid[y].append(Segment(" " * BOX_W))
            grid[y].append(Segment("─" if y == box_mid else " ", box_style))
            up, down = lo < y <= hi, lo <= y < hi
            join = JOINS.get((up, down, y == box_mid, y in node_rows), " ")
            grid[y].append(Segment(join, pal.dim))
        hosts = {n.name: n for n in frame.nodes if n.kind == "host"}
        slot_rows = [positions[i] for i, r in enumerate(rows) if r.depth == 1]
        for i, row in enumerate(rows):
            y = positions[i]
            if row.kind == "group":
                style = pal.blue if row.group == "blue" else pal.green
                key = f"group.{row.group}"
                grid[y] += [Segment(" "), Segment(f"■ {word(key, self.lang)}", style + pal.strong)]
            elif row.kind == "more":
                grid[y] += [Segment("  " + word("more", self.lang, n=row.count), pal.dim)]
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
