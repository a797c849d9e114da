"""What every room of the EHC domain shares: the error a broken rule raises, history saving,
form and view helpers, dates, display labels, links, paging. Not a Django app: it has no models."""
