#!/bin/sh
# Regenerates the SDF and MOL2 example inputs from molecules/examples/example.smi with Open Babel
# (obabel 3.1.1): 2D coordinates, names carried through, logP added as an SDF tag (--add); MOL2 with explicit hydrogens (-h), because MOL2 has no hydrogen counts and Open Babel otherwise reads acids back as carboxylates and cannot kekulize indole.
set -e
cd "$(dirname "$0")/../molecules/examples"
obabel example.smi -O example.sdf --gen2D --add logP 2>/dev/null
obabel example.smi -O example.mol2 --gen2D -h 2>/dev/null
