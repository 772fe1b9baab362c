"""Time for the sandbox: the models of what AWS does as minutes pass, and the clock that applies them.

moto stores alarms and scaling policies but never evaluates them (shared/SANDBOX.md). This
package supplies the missing dimension:

- :mod:`tutor.sim.alarms` — CloudWatch alarm evaluation (pure);
- :mod:`tutor.sim.scaling` — the one Auto Scaling model: target tracking, step and simple
  policies, warm-up, cooldowns, min/max (pure; the what-if simulator reuses it);
- :mod:`tutor.sim.engine` — the minute-by-minute loop joining the two (pure);
- :mod:`tutor.sim.clock` — reads an account through boto3, runs the engine, writes the results
  back (metrics, alarm states, SNS notifications, desired capacity) and keeps the clock offset.

Nothing here imports Textual; only ``clock`` talks to AWS.
"""
