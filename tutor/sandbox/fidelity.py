"""Where moto differs from AWS in ways the labs depend on, the sandbox behaves like AWS.

Imported only by the sandbox process (and the test server that stands in for it). Each patch
names the AWS behaviour it restores; anything else is left to moto.
"""

from __future__ import annotations

import copy
from typing import Any


def _launch_template_source_version() -> None:
    """CreateLaunchTemplateVersion with SourceVersion: the new version starts from the source
    version's data and the given data overrides it, parameter by parameter (moto ignores
    SourceVersion, so a fix typed the usual way would drop the rest of the template)."""
    from moto.ec2.responses.launch_templates import LaunchTemplates

    original = LaunchTemplates.create_launch_template_version
    if getattr(original, "_tutor_patched", False):
        return

    def create_launch_template_version(self: Any) -> Any:
        source = self._get_param("SourceVersion")
        if not source:
            return original(self)
        name, tmpl_id = self._get_param("LaunchTemplateName"), self._get_param("LaunchTemplateId")
        template = (self.ec2_backend.get_launch_template_by_name(name) if name
                    else self.ec2_backend.get_launch_template(tmpl_id))
        merged = copy.deepcopy(template.get_version(source).data)
        merged.update(self._get_param("LaunchTemplateData", {}))
        plain = self._get_param

        def get_param(key: str, default: Any = None, *args: Any, **kwargs: Any) -> Any:
            return merged if key == "LaunchTemplateData" else plain(key, default, *args, **kwargs)

        self._get_param = get_param
        try:
            return original(self)
        finally:
            del self._get_param

    create_launch_template_version._tutor_patched = True  # type: ignore[attr-defined]
    LaunchTemplates.create_launch_template_version = create_launch_template_version


def _grace_period_default() -> None:
    """CreateAutoScalingGroup without HealthCheckGracePeriod: 0 from the CLI/API, as on AWS
    (moto fills in the console's 300 s, which would hide the omission the lab teaches)."""
    from moto.autoscaling.responses import AutoScalingResponse

    original = AutoScalingResponse.create_auto_scaling_group
    if getattr(original, "_tutor_patched", False):
        return

    def create_auto_scaling_group(self: Any) -> Any:
        result = original(self)
        if not self._get_int_param("HealthCheckGracePeriod"):
            group = self.autoscaling_backend.autoscaling_groups.get(self._get_param("AutoScalingGroupName"))
            if group is not None:
                group.health_check_grace_period = 0
        return result

    create_auto_scaling_group._tutor_patched = True  # type: ignore[attr-defined]
    AutoScalingResponse.create_auto_scaling_group = create_auto_scaling_group


def apply() -> None:
    _launch_template_source_version()
    _grace_period_default()
