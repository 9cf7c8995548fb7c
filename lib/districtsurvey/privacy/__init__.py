"""What may be shown: minimum n and complementary suppression over tables, checks for views built
on the fly, and comments redacted before anyone reads them."""
