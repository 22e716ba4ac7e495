// Wildman–Crippen atom-type parameters (logP and molar refractivity contributions).
//
// Source: S. A. Wildman and G. M. Crippen, "Prediction of Physicochemical Parameters by Atomic
// Contributions", J. Chem. Inf. Comput. Sci. 39, 868–873 (1999), as tabulated by RDKit:
// rdkit/Data/Crippen.txt and the identical compiled-in table in Code/GraphMol/Descriptors/Crippen.cpp
// (RDKit 2026.09.1), Copyright (C) 2002-2012 Greg Landrum and Rational Discovery LLC, BSD licence:
//
//   Redistribution and use in source and binary forms, with or without modification, are
//   permitted provided that the following conditions are met: redistributions of source code must
//   retain the above copyright notice, this list of conditions and the following disclaimer;
//   redistributions in binary form must reproduce the above copyright notice, this list of
//   conditions and the following disclaimer in the documentation and/or other materials provided
//   with the distribution; neither the name of Rational Discovery nor the names of its
//   contributors may be used to endorse or promote products derived from this software without
//   specific prior written permission. THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND
//   CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES ARE DISCLAIMED.
//
// The two H2 rows use the compiled-in spelling (`[#1]O[!#6;!#7;!#8;!#16]`, `[#1][!#6;!#7;!#8]`),
// which is what RDKit's MolLogP evaluates; Crippen.txt spells them with aliphatic symbols.
// Order matters: the first matching row types an atom. Regenerate with scripts/chem-crippen-table.py.

/// One Crippen row: type label, SMARTS, logP and MR contributions.
struct CrippenRow: Sendable {
  let label: String
  let smarts: String
  let logP: Double
  let molarRefractivity: Double
}

/// RDKit's Crippen table in order.
let crippenRows: [CrippenRow] = [
  CrippenRow(label: "C1", smarts: "[CH4]", logP: 0.1441, molarRefractivity: 2.503),
  CrippenRow(label: "C1", smarts: "[CH3]C", logP: 0.1441, molarRefractivity: 2.503),
  CrippenRow(label: "C1", smarts: "[CH2](C)C", logP: 0.1441, molarRefractivity: 2.503),
  CrippenRow(label: "C2", smarts: "[CH](C)(C)C", logP: 0.0, molarRefractivity: 2.433),
  CrippenRow(label: "C2", smarts: "[C](C)(C)(C)C", logP: 0.0, molarRefractivity: 2.433),
  CrippenRow(label: "C3", smarts: "[CH3][N,O,P,S,F,Cl,Br,I]", logP: -0.2035, molarRefractivity: 2.753),
  CrippenRow(label: "C3", smarts: "[CH2X4]([N,O,P,S,F,Cl,Br,I])[A;!#1]", logP: -0.2035, molarRefractivity: 2.753),
  CrippenRow(label: "C4", smarts: "[CH1X4]([N,O,P,S,F,Cl,Br,I])([A;!#1])[A;!#1]", logP: -0.2051, molarRefractivity: 2.731),
  CrippenRow(label: "C4", smarts: "[CH0X4]([N,O,P,S,F,Cl,Br,I])([A;!#1])([A;!#1])[A;!#1]", logP: -0.2051, molarRefractivity: 2.731),
  CrippenRow(label: "C5", smarts: "[C]=[!C;A;!#1]", logP: -0.2783, molarRefractivity: 5.007),
  CrippenRow(label: "C6", smarts: "[CH2]=C", logP: 0.1551, molarRefractivity: 3.513),
  CrippenRow(label: "C6", smarts: "[CH1](=C)[A;!#1]", logP: 0.1551, molarRefractivity: 3.513),
  CrippenRow(label: "C6", smarts: "[CH0](=C)([A;!#1])[A;!#1]", logP: 0.1551, molarRefractivity: 3.513),
  CrippenRow(label: "C6", smarts: "[C](=C)=C", logP: 0.1551, molarRefractivity: 3.513),
  CrippenRow(label: "C7", smarts: "[CX2]#[A;!#1]", logP: 0.0017, molarRefractivity: 3.888),
  CrippenRow(label: "C8", smarts: "[CH3]c", logP: 0.08452, molarRefractivity: 2.464),
  CrippenRow(label: "C9", smarts: "[CH3]a", logP: -0.1444, molarRefractivity: 2.412),
  CrippenRow(label: "C10", smarts: "[CH2X4]a", logP: -0.0516, molarRefractivity: 2.488),
  CrippenRow(label: "C11", smarts: "[CHX4]a", logP: 0.1193, molarRefractivity: 2.582),
  CrippenRow(label: "C12", smarts: "[CH0X4]a", logP: -0.0967, molarRefractivity: 2.576),
  CrippenRow(label: "C13", smarts: "[cH0]-[A;!C;!N;!O;!S;!F;!Cl;!Br;!I;!#1]", logP: -0.5443, molarRefractivity: 4.041),
  CrippenRow(label: "C14", smarts: "[c][#9]", logP: 0.0, molarRefractivity: 3.257),
  CrippenRow(label: "C15", smarts: "[c][#17]", logP: 0.245, molarRefractivity: 3.564),
  CrippenRow(label: "C16", smarts: "[c][#35]", logP: 0.198, molarRefractivity: 3.18),
  CrippenRow(label: "C17", smarts: "[c][#53]", logP: 0.0, molarRefractivity: 3.104),
  CrippenRow(label: "C18", smarts: "[cH]", logP: 0.1581, molarRefractivity: 3.35),
  CrippenRow(label: "C19", smarts: "[c](:a)(:a):a", logP: 0.2955, molarRefractivity: 4.346),
  CrippenRow(label: "C20", smarts: "[c](:a)(:a)-a", logP: 0.2713, molarRefractivity: 3.904),
  CrippenRow(label: "C21", smarts: "[c](:a)(:a)-C", logP: 0.136, molarRefractivity: 3.509),
  CrippenRow(label: "C22", smarts: "[c](:a)(:a)-N", logP: 0.4619, molarRefractivity: 4.067),
  CrippenRow(label: "C23", smarts: "[c](:a)(:a)-O", logP: 0.5437, molarRefractivity: 3.853),
  CrippenRow(label: "C24", smarts: "[c](:a)(:a)-S", logP: 0.1893, molarRefractivity: 2.673),
  CrippenRow(label: "C25", smarts: "[c](:a)(:a)=[C,N,O]", logP: -0.8186, molarRefractivity: 3.135),
  CrippenRow(label: "C26", smarts: "[C](=C)(a)[A;!#1]", logP: 0.264, molarRefractivity: 4.305),
  CrippenRow(label: "C26", smarts: "[C](=C)(c)a", logP: 0.264, molarRefractivity: 4.305),
  CrippenRow(label: "C26", smarts: "[CH1](=C)a", logP: 0.264, molarRefractivity: 4.305),
  CrippenRow(label: "C26", smarts: "[C]=c", logP: 0.264, molarRefractivity: 4.305),
  CrippenRow(label: "C27", smarts: "[CX4][A;!C;!N;!O;!P;!S;!F;!Cl;!Br;!I;!#1]", logP: 0.2148, molarRefractivity: 2.693),
  CrippenRow(label: "CS", smarts: "[#6]", logP: 0.08129, molarRefractivity: 3.243),
  CrippenRow(label: "H1", smarts: "[#1][#6,#1]", logP: 0.123, molarRefractivity: 1.057),
  CrippenRow(label: "H2", smarts: "[#1]O[CX4,c]", logP: -0.2677, molarRefractivity: 1.395),
  CrippenRow(label: "H2", smarts: "[#1]O[!#6;!#7;!#8;!#16]", logP: -0.2677, molarRefractivity: 1.395),
  CrippenRow(label: "H2", smarts: "[#1][!#6;!#7;!#8]", logP: -0.2677, molarRefractivity: 1.395),
  CrippenRow(label: "H3", smarts: "[#1][#7]", logP: 0.2142, molarRefractivity: 0.9627),
  CrippenRow(label: "H3", smarts: "[#1]O[#7]", logP: 0.2142, molarRefractivity: 0.9627),
  CrippenRow(label: "H4", smarts: "[#1]OC=[#6,#7,O,S]", logP: 0.298, molarRefractivity: 1.805),
  CrippenRow(label: "H4", smarts: "[#1]O[O,S]", logP: 0.298, molarRefractivity: 1.805),
  CrippenRow(label: "HS", smarts: "[#1]", logP: 0.1125, molarRefractivity: 1.112),
  CrippenRow(label: "N1", smarts: "[NH2+0][A;!#1]", logP: -1.019, molarRefractivity: 2.262),
  CrippenRow(label: "N2", smarts: "[NH+0]([A;!#1])[A;!#1]", logP: -0.7096, molarRefractivity: 2.173),
  CrippenRow(label: "N3", smarts: "[NH2+0]a", logP: -1.027, molarRefractivity: 2.827),
  CrippenRow(label: "N4", smarts: "[NH1+0]([!#1;A,a])a", logP: -0.5188, molarRefractivity: 3.0),
  CrippenRow(label: "N5", smarts: "[NH+0]=[!#1;A,a]", logP: 0.08387, molarRefractivity: 1.757),
  CrippenRow(label: "N6", smarts: "[N+0](=[!#1;A,a])[!#1;A,a]", logP: 0.1836, molarRefractivity: 2.428),
  CrippenRow(label: "N7", smarts: "[N+0]([A;!#1])([A;!#1])[A;!#1]", logP: -0.3187, molarRefractivity: 1.839),
  CrippenRow(label: "N8", smarts: "[N+0](a)([!#1;A,a])[A;!#1]", logP: -0.4458, molarRefractivity: 2.819),
  CrippenRow(label: "N8", smarts: "[N+0](a)(a)a", logP: -0.4458, molarRefractivity: 2.819),
  CrippenRow(label: "N9", smarts: "[N+0]#[A;!#1]", logP: 0.01508, molarRefractivity: 1.725),
  CrippenRow(label: "N10", smarts: "[NH3,NH2,NH;+,+2,+3]", logP: -1.95, molarRefractivity: 0.0),
  CrippenRow(label: "N11", smarts: "[n+0]", logP: -0.3239, molarRefractivity: 2.202),
  CrippenRow(label: "N12", smarts: "[n;+,+2,+3]", logP: -1.119, molarRefractivity: 0.0),
  CrippenRow(label: "N13", smarts: "[NH0;+,+2,+3]([A;!#1])([A;!#1])([A;!#1])[A;!#1]", logP: -0.3396, molarRefractivity: 0.2604),
  CrippenRow(label: "N13", smarts: "[NH0;+,+2,+3](=[A;!#1])([A;!#1])[!#1;A,a]", logP: -0.3396, molarRefractivity: 0.2604),
  CrippenRow(label: "N13", smarts: "[NH0;+,+2,+3](=[#6])=[#7]", logP: -0.3396, molarRefractivity: 0.2604),
  CrippenRow(label: "N14", smarts: "[N;+,+2,+3]#[A;!#1]", logP: 0.2887, molarRefractivity: 3.359),
  CrippenRow(label: "N14", smarts: "[N;-,-2,-3]", logP: 0.2887, molarRefractivity: 3.359),
  CrippenRow(label: "N14", smarts: "[N;+,+2,+3](=[N;-,-2,-3])=N", logP: 0.2887, molarRefractivity: 3.359),
  CrippenRow(label: "NS", smarts: "[#7]", logP: -0.4806, molarRefractivity: 2.134),
  CrippenRow(label: "O1", smarts: "[o]", logP: 0.1552, molarRefractivity: 1.08),
  CrippenRow(label: "O2", smarts: "[OH,OH2]", logP: -0.2893, molarRefractivity: 0.8238),
  CrippenRow(label: "O3", smarts: "[O]([A;!#1])[A;!#1]", logP: -0.0684, molarRefractivity: 1.085),
  CrippenRow(label: "O4", smarts: "[O](a)[!#1;A,a]", logP: -0.4195, molarRefractivity: 1.182),
  CrippenRow(label: "O5", smarts: "[O]=[#7,#8]", logP: 0.0335, molarRefractivity: 3.367),
  CrippenRow(label: "O5", smarts: "[OX1;-,-2,-3][#7]", logP: 0.0335, molarRefractivity: 3.367),
  CrippenRow(label: "O6", smarts: "[OX1;-,-2,-2][#16]", logP: -0.3339, molarRefractivity: 0.7774),
  CrippenRow(label: "O6", smarts: "[O;-0]=[#16;-0]", logP: -0.3339, molarRefractivity: 0.7774),
  CrippenRow(label: "O12", smarts: "[O-]C(=O)", logP: -1.326, molarRefractivity: 0.0),
  CrippenRow(label: "O7", smarts: "[OX1;-,-2,-3][!#1;!N;!S]", logP: -1.189, molarRefractivity: 0.0),
  CrippenRow(label: "O8", smarts: "[O]=c", logP: 0.1788, molarRefractivity: 3.135),
  CrippenRow(label: "O9", smarts: "[O]=[CH]C", logP: -0.1526, molarRefractivity: 0.0),
  CrippenRow(label: "O9", smarts: "[O]=C(C)([A;!#1])", logP: -0.1526, molarRefractivity: 0.0),
  CrippenRow(label: "O9", smarts: "[O]=[CH][N,O]", logP: -0.1526, molarRefractivity: 0.0),
  CrippenRow(label: "O9", smarts: "[O]=[CH2]", logP: -0.1526, molarRefractivity: 0.0),
  CrippenRow(label: "O9", smarts: "[O]=[CX2]=O", logP: -0.1526, molarRefractivity: 0.0),
  CrippenRow(label: "O10", smarts: "[O]=[CH]c", logP: 0.1129, molarRefractivity: 0.2215),
  CrippenRow(label: "O10", smarts: "[O]=C([C,c])[a;!#1]", logP: 0.1129, molarRefractivity: 0.2215),
  CrippenRow(label: "O10", smarts: "[O]=C(c)[A;!#1]", logP: 0.1129, molarRefractivity: 0.2215),
  CrippenRow(label: "O11", smarts: "[O]=C([!#1;!#6])[!#1;!#6]", logP: 0.4833, molarRefractivity: 0.389),
  CrippenRow(label: "OS", smarts: "[#8]", logP: -0.1188, molarRefractivity: 0.6865),
  CrippenRow(label: "F", smarts: "[#9-0]", logP: 0.4202, molarRefractivity: 1.108),
  CrippenRow(label: "Cl", smarts: "[#17-0]", logP: 0.6895, molarRefractivity: 5.853),
  CrippenRow(label: "Br", smarts: "[#35-0]", logP: 0.8456, molarRefractivity: 8.927),
  CrippenRow(label: "I", smarts: "[#53-0]", logP: 0.8857, molarRefractivity: 14.02),
  CrippenRow(label: "Hal", smarts: "[#9,#17,#35,#53;-]", logP: -2.996, molarRefractivity: 0.0),
  CrippenRow(label: "Hal", smarts: "[#53;+,+2,+3]", logP: -2.996, molarRefractivity: 0.0),
  CrippenRow(label: "Hal", smarts: "[+;#3,#11,#19,#37,#55]", logP: -2.996, molarRefractivity: 0.0),
  CrippenRow(label: "P", smarts: "[#15]", logP: 0.8612, molarRefractivity: 6.92),
  CrippenRow(label: "S2", smarts: "[S;-,-2,-3,-4,+1,+2,+3,+5,+6]", logP: -0.0024, molarRefractivity: 7.365),
  CrippenRow(label: "S2", smarts: "[S-0]=[N,O,P,S]", logP: -0.0024, molarRefractivity: 7.365),
  CrippenRow(label: "S1", smarts: "[S;A]", logP: 0.6482, molarRefractivity: 7.591),
  CrippenRow(label: "S3", smarts: "[s;a]", logP: 0.6237, molarRefractivity: 6.691),
  CrippenRow(label: "Me1", smarts: "[#3,#11,#19,#37,#55]", logP: -0.3808, molarRefractivity: 5.754),
  CrippenRow(label: "Me1", smarts: "[#4,#12,#20,#38,#56]", logP: -0.3808, molarRefractivity: 5.754),
  CrippenRow(label: "Me1", smarts: "[#5,#13,#31,#49,#81]", logP: -0.3808, molarRefractivity: 5.754),
  CrippenRow(label: "Me1", smarts: "[#14,#32,#50,#82]", logP: -0.3808, molarRefractivity: 5.754),
  CrippenRow(label: "Me1", smarts: "[#33,#51,#83]", logP: -0.3808, molarRefractivity: 5.754),
  CrippenRow(label: "Me1", smarts: "[#34,#52,#84]", logP: -0.3808, molarRefractivity: 5.754),
  CrippenRow(label: "Me2", smarts: "[#21,#22,#23,#24,#25,#26,#27,#28,#29,#30]", logP: -0.0025, molarRefractivity: 0.0),
  CrippenRow(label: "Me2", smarts: "[#39,#40,#41,#42,#43,#44,#45,#46,#47,#48]", logP: -0.0025, molarRefractivity: 0.0),
  CrippenRow(label: "Me2", smarts: "[#72,#73,#74,#75,#76,#77,#78,#79,#80]", logP: -0.0025, molarRefractivity: 0.0),
]
