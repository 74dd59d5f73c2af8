"""What an SDK maintainer reads between versions: the public surface, its diff, the changelog,
and a spec at a git revision."""
