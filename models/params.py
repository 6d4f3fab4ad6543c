"""Timing and fault parameters of a simulation; defaults are the real AWS/nginx defaults."""

from __future__ import annotations

from typing import NamedTuple

# bad-config: the nginx include file is invalid, so `nginx -s reload` is refused (the old
# configuration keeps serving); it touches nothing but nginx.
FAULTS = ("none", "bad-build", "slow-start", "traffic-spike", "bad-config")


class HealthCheck(NamedTuple):
    """An ALB target group's health check (AWS defaults)."""

    interval_s: float = 30.0
    timeout_s: float = 5.0
    healthy_threshold: int = 5
    unhealthy_threshold: int = 2


class SimParams(NamedTuple):
    """Everything that shapes a run besides the actions: traffic, timings, faults."""

    rps: float = 10.0
    service_mean_s: float = 0.25
    # Finite servers: each app runs this many workers with a bounded queue in front, so one
    # server answers about workers / service_mean_s requests a second (16) before requests wait,
    # and fail `overloaded` once the queue is full. The book's 4 servers carry 10 rps easily.
    workers: int = 4
    queue_limit: int = 50
    health: HealthCheck = HealthCheck()
    deregistration_delay_s: float = 300.0
    boot_s: float = 40.0
    app_stop_s: float = 2.0
    download_s: float = 5.0
    install_s: float = 10.0
    app_start_s: float = 10.0
    slow_start_s: float = 150.0
    reload_s: float = 0.5
    # The console's objects: an image (AMI) of a running instance takes minutes; a launch
    # template is a few seconds of form-filling.
    image_s: float = 150.0
    template_s: float = 2.0
    # ValidateService and the nginx recipe probe a fresh process this often, this many times.
    probe_every_s: float = 10.0
    probe_tries: int = 10
    validate_tries: int = 30  # CodeDeploy's ValidateService on fresh hosts: up to 5 minutes
    wait_healthy_deadline_s: float = 600.0
    fault: str = "none"
    # The version a fault applies to (the new build).
    faulty_version: str = "v102"
    spike_factor: float = 3.0
    bucket_s: float = 5.0

    @property
    def capacity_rps(self) -> float:
        """Requests a second one server can answer when every worker is busy."""
        return self.workers / self.service_mean_s

    def with_capacity(self, capacity_rps: float) -> SimParams:
        """The same workers, with the service time that gives `capacity_rps` a server."""
        return self._replace(service_mean_s=self.workers / capacity_rps)

    def with_(self, **changes) -> SimParams:
        return self._replace(**changes)

    def start_time(self, version: str) -> float:
        if self.fault == "slow-start" and version == self.faulty_version:
            return self.slow_start_s
        return self.app_start_s

    def is_bad(self, version: str) -> bool:
        return self.fault == "bad-build" and version == self.faulty_version
