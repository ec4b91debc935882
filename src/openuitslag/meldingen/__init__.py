"""Meldingen: anyone may report a suspected error before the result is set.

Between the publication of the counts and 48 hours before the session of
the centraal stembureau, citizens may tell the competent committee that a
count, a transcription or the seat calculation looks wrong (the "melding
aan het centraal stembureau"). The portal shows the numbers, so it is
where people notice errors; this app takes the report, gives it a
reference number, and delivers it to the committee that can act on it.
"""
