"""Development, benchmark and load-test tools: `make run`'s local servers, `make bench`,
`make e2e-prod`, `make loadtest`. Nothing production runs imports this package, and
production does not install what it needs (requirements/dev.txt).
"""
