"""demo: parse small key: value config files."""
