"""The coordinator page for the capacity forecast: the weeks ahead, what-if and advice."""
