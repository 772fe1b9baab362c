"""`tutor loadtest`: load a web tier and report throughput and latency percentiles.

Why a package of its own: the week asks students to load-test with Apache Bench and watch the
tier "scale out". Three small parts, each replaceable:

- :mod:`tutor.loadtest.tier`: a local "StreamCloud web tier" (W worker processes on one shared
  listening socket on 127.0.0.1, serving ``/catalog`` and ``/manifest/<title>`` with real CPU work);
- :mod:`tutor.loadtest.generator`: the built-in generator (threads, keep-alive) and the ``ab``
  runner, both returning the same report;
- :mod:`tutor.loadtest.publish`: the report's figures as CloudWatch custom metrics (``StreamCloud``).

The report (also left in ``data_dir()/loadtest-last.json`` for ``tutor sandbox advance
--from-loadtest``): ``requests``, ``failed``, ``rps``, ``latency_ms`` (``p50``, ``p90``, ``p99``,
``max``), ``concurrency``, ``url``, ``tool`` and, for the local tier, ``workers``.
"""
