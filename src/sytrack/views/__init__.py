"""Views: per report, its columns, its rows as plain values, and the table built from them."""
