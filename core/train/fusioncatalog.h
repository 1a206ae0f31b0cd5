#pragma once
// The fusion methods a VQA model can use, with what each computes, in words
// and as a formula: the Train dialog's tooltips and the comparison's notes.
// The names are the checkpoint's ("fusion=film"); core/ml implements them.
#include <QString>
#include <vector>

namespace tandem {

struct FusionInfo {
    QString name;                // as in a checkpoint
    QString title;               // "FiLM"
    QString summary;             // one sentence
    QString formula;             // plain text, with Unicode symbols
    QString diagram;             // a few lines of box drawing, for a monospaced font
};

const std::vector<FusionInfo> &fusionCatalog(); // the default (film) first
const FusionInfo *findFusion(const QString &name);

} // namespace tandem
