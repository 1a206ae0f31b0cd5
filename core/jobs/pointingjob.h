#pragma once
// The pointing-game job: how often a model's explanation maps point at the
// object the text names, over the questions (VQA) or the caption words
// (captioner) of a split, with the random-map baseline and the
// model-randomisation check. Called by `tandem-cli pointing`; synchronous, for
// a worker thread. Needs the project's regions (the demo generator writes them).
#include "explain/pointinggame.h"
#include "train/modelbackend.h"
#include "util/progress.h"

namespace tandem {

struct PointingRequest {
    QString project;
    QString checkpoint;            // a VQA or captioning checkpoint
    QString split = QStringLiteral("test"); // "" = every image
    ExplainMethod method = ExplainMethod::Attention;
    bool finerGrid = false;        // see ExplainRequest::finerGrid
    // VQA: the question types scored. The default, the non-relational ones, name
    // the object the answer is about; a relational question's answer is about another.
    QStringList questionTypes{QStringLiteral("shape"), QStringLiteral("left"), QStringLiteral("top")};
    bool randomMaps = false;       // the baseline: a uniformly random map per item instead of the model's
    bool randomizeWeights = false; // see ImageRequest::randomizeWeights
    quint64 seed = 1;              // of the random maps
    int limit = 0;                 // items at most: questions (VQA) or images (captions); 0: all
    QString device = QStringLiteral("auto");
    int threads = 0;
};

struct PointingResult {
    TaskKind task = TaskKind::Vqa;
    explain::PointingScores scores; // by question type, or by caption word
    int gridHeight = 0, gridWidth = 0;
    qint64 images = 0;             // images with items scored
    QString device;
};

Expected<PointingResult> playPointingGame(const PointingRequest &request, const Progress &progress = {});

} // namespace tandem
