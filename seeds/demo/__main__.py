"""``python -m seeds.demo``: write the demo catalogue and mentors."""

from seeds.demo.cli import main

main()
