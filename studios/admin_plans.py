"""Admin of the annual plans (1+123), the five norms and the archive."""
