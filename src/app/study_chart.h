/* study_chart.h - a study figure as chart series and parameters (app layer:
 * the study layer knows nothing of the widgets). */
#ifndef PROMPTLAB_STUDY_CHART_H
#define PROMPTLAB_STUDY_CHART_H

#include "promptlab/study.h"
#include "promptlab/widgets.h"

struct study_chart {
    struct ui_series s[STUDY_MAX_SERIES];
    size_t n;
    const double *err[STUDY_MAX_SERIES];  /* spread over seeds, per point */
    const char *names[STUDY_MAX_CATEGORIES];
    struct ui_chart_params p;              /* title, caption, axes, scales, markers */
    double *buf;                           /* the points */
};

/* Fill c from f (which must outlive c: names and titles point into it);
 * free with study_chart_free. */
int study_chart_init(struct study_chart *c, const struct study_figure *f, struct pl_err *e);
void study_chart_free(struct study_chart *c);

/* The summary table as `promptlab experiment` prints it: the header line
 * (model, params, method, len, init, seeds, trained, valid, each test set,
 * s/cell) and one line per row, each cut to cap bytes. */
void study_table_header(const struct study_result *r, const struct study_row *rows, int n_rows,
                        char *buf, size_t cap);
void study_table_line(const struct study_result *r, const struct study_row *w, char *buf,
                      size_t cap);

#endif
