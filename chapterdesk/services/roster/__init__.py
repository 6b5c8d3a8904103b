"""The roster: members, officers, voters, categories, and the one query that reads them."""
