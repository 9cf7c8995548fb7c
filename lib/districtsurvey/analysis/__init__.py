"""Scores and statistics over tidy responses: n, mean and % favorable, intervals, honest change
flags, key drivers, focus areas and reliability. Raw figures: privacy is applied one layer up."""
