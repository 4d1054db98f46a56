"""The city's and the province's work on what counties submit: 初审 decisions, comments per
indicator, recommendations (推荐) and the recommendation letter (推荐函). Issue 14."""
