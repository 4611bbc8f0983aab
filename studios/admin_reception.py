"""Admin of duty slots, visits and appointments."""
