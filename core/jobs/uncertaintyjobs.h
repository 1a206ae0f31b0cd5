#pragma once
// Label the uncertain first: the images a model was least sure about (VQA: the
// margin between its two likeliest answers, or their entropy; captions: the
// mean token log-probability), from a stored prediction run, with an option to
// keep near-duplicates from filling the top. Called by `tandem-cli
// rank-uncertain`; the grid's "Least sure first" sort uses the same measure.
#include "data/runstore.h"

namespace tandem {

struct UncertaintyRequest {
    QString project;
    qint64 runId = 0;            // 0: the newest run that recorded how sure it was
    predictions::UncertaintyMeasure measure = predictions::UncertaintyMeasure::Auto;
    bool labeledToo = false;     // also images a person verified or rejected
    qint64 diversityRun = 0;     // > 0: an embed run; an image at least `diversity`
    double diversity = 0.95;     // alike (cosine) to one ranked above it moves to the end
    int limit = 100;
};

struct UncertainImage {
    qint64 imageId = 0;
    QString image;
    double uncertainty = 0;
    qint64 nearDuplicateOf = 0;  // with diversity: the image ranked above that it resembles
};

struct UncertaintyRanking {
    qint64 runId = 0;
    QString measure;
    std::vector<UncertainImage> images; // least sure first
    qint64 candidates = 0;       // images the run scored (before the limit)
};
Expected<UncertaintyRanking> rankUncertain(const UncertaintyRequest &request);

} // namespace tandem
