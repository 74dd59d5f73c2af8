"""Loading stage: read a spec (and the files it refers to) into a `Document`, check its shape,
and validate it."""
