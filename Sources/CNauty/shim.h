// CNauty: nauty 2.8 (WORDSIZE 64, MAXN 0) with inline helpers for its macro-only API.
#include <nauty.h>

/// Default options for densenauty on an undirected graph.
static inline optionblk cnauty_default_options_graph(void) { DEFAULTOPTIONS_GRAPH(o); return o; }
/// Checks that the library matches the header (WORDSIZE, m, n, version).
static inline void cnauty_check(int m, int n) { nauty_check(WORDSIZE, m, n, NAUTYVERSIONID); }
/// Number of setwords needed for n vertices.
static inline int cnauty_setwords_needed(int n) { return SETWORDSNEEDED(n); }
/// Adds the undirected edge {v, w} to the packed graph g with m words per row.
static inline void cnauty_add_edge(graph *g, int m, int v, int w) { ADDONEEDGE(g, v, w, m); }
/// Whether vertex w is in row v of the packed graph g.
static inline int cnauty_has_edge(const graph *g, int m, int v, int w) {
  return ISELEMENT(GRAPHROW(g, v, m), w) ? 1 : 0;
}
