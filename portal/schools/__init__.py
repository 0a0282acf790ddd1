"""Teachers' pages under /schools: class codes and their summaries, lesson starters."""
