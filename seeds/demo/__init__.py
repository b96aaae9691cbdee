"""Build the demo data of matcher: an HSDS 3.1 catalogue (Danish profile) and volunteer mentors.

Deterministic: random.Random(2026) and uuid5 ids from readable keys, so every run writes
byte-identical files. Reads only the source data copied into ``seeds/data`` (see
``seeds/data/CREDITS.md``) and ``seeds/interests.json``; district membership and slugs come from the
product (``matcher.catalogue.districts``).

    .venv/bin/python -m seeds.demo            # writes seeds/demo_catalogue.json, seeds/mentors.csv
    .venv/bin/python -m seeds.demo --out DIR  # writes them into DIR instead

Real: the places (libraries, culture houses, swimming halls, football pitches, addresses and
coordinates) and the 16 football club names with their websites. Invented sample data: every
other organisation, every offer, fee, schedule, capacity, policy and every mentor.

Modules by concern: ``common`` (ids, constants), ``places`` (geography), ``taxonomy`` (HSDS terms),
``texts`` (invented Danish texts), ``builder`` (state and the service builder), then one module per kind
of organisation — ``sports``, ``associations``, ``jobs``, ``mentors`` — and ``cli`` (the order they run
in and the files written).
"""
