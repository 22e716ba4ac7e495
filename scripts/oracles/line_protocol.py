"""The oracle side of cfx's line protocol, for oracles written in Python.

cfx writes batches of SMILES, one per line, each ended by an empty line; the oracle answers one
line per SMILES, in order, then an empty line, and flushes. `serve(answer)` runs that loop:
`answer(smiles)` returns the line for one SMILES (a number or a JSON object as text) or raises
ValueError with a message, which ends the oracle with exit status 2 and the message on standard
error (cfx reports it with the molecule).
"""
import sys


def serve(answer):
    batch = []
    for line in sys.stdin:
        smiles = line.strip()
        if smiles:
            batch.append(smiles)
            continue
        try:
            lines = [answer(s) for s in batch]
        except ValueError as error:
            print(error, file=sys.stderr)
            sys.exit(2)
        print("\n".join(lines + [""]), flush=True)
        batch = []
