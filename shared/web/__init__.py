"""Web plumbing shared by portal and staff: headers, errors, locale, template helpers, forms."""
