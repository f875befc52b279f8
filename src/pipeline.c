/* pipeline.c: runs the document stages and collects each input into a batch (see
 * pipeline.h). */
#include "pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "gazetteer.h"
#include "geoparse.h"

struct evm_pipeline {
    evm_pipeline_opts opts;
    evm_gaz *gaz;
};

evm_err evm_pipeline_new(const evm_pipeline_opts *opts, evm_pipeline **out, evm_diag *diag)
{
    *out = NULL;
    evm_gaz *gaz = NULL;
    evm_err e = evm_gazetteer_open_default(opts->gazetteer, &gaz, diag);
    if (e)
        return e;
    evm_pipeline *p = evm_xcalloc(1, sizeof *p);
    p->opts = *opts;
    p->gaz = gaz;
    *out = p;
    return EVM_OK;
}

void evm_pipeline_free(evm_pipeline *p)
{
    if (!p)
        return;
    evm_gazetteer_close(p->gaz);
    free(p);
}

evm_err evm_pipeline_doc(evm_pipeline *p, evm_doc *doc, evm_diag *diag)
{
    evm_err e = evm_geoparse_doc(p->gaz, doc, diag);
    if (e)
        return e;
    return evm_event_extract(doc, diag);
}

evm_err evm_pipeline_input(evm_pipeline *p, const char *path, evm_batch **out, size_t *skipped,
                           const evm_pipeline_hooks *hooks, evm_diag *diag)
{
    static const evm_pipeline_hooks none = {0};
    if (!hooks)
        hooks = &none;
    size_t done = 0;
    *out = NULL;
    *skipped = 0;
    evm_reader *r;
    evm_err e = evm_article_open(path, &p->opts.read, &r, diag);
    if (e)
        return e;
    char *stem = evm_article_stem(path);
    evm_batch *b = evm_batch_new(stem);
    free(stem);
    for (;;) {
        evm_doc *doc = NULL;
        evm_diag d;
        d.msg[0] = '\0';
        e = evm_article_next(r, &doc, &d);
        if (e == EVM_ERR_INPUT) {
            (*skipped)++;
            if (hooks->report)
                hooks->report(hooks->ctx, e, d.msg);
            continue;
        }
        if (e) {
            *diag = d;
            break;
        }
        if (!doc)
            break;
        const char *warn = evm_article_warning(r);
        if (warn && hooks->report)
            hooks->report(hooks->ctx, EVM_OK, warn);
        e = evm_pipeline_doc(p, doc, &d);
        if (e) {
            (*skipped)++;
            if (hooks->report)
                hooks->report(hooks->ctx, e, d.msg);
            evm_doc_free(doc);
            e = EVM_OK;
            continue;
        }
        evm_batch_add_doc(b, doc);
        evm_doc_free(doc);
        done++;
        if (hooks->progress)
            hooks->progress(hooks->ctx, done, evm_article_bytes_read(r),
                            evm_article_bytes_total(r));
    }
    evm_article_close(r);
    if (e) {
        evm_batch_free(b);
        return e;
    }
    evm_event_merge(b);
    *out = b;
    return EVM_OK;
}
