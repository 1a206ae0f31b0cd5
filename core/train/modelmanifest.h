#pragma once
// A model made elsewhere: a TorchScript file and a JSON manifest beside it that
// says what it does and how to feed it. Read and checked here, without
// LibTorch; the backend loads the TorchScript file and checks its outputs
// against `outputs`. Every error names the manifest and the field.
//
//   {
//     "format": "tandem-torchscript/1",
//     "task": "vqa",                       // vqa, caption, retrieval, embedding or tagging
//     "model": "model.pt",                 // relative to the manifest
//     "input": {"size": 224, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
//               "colors": "rgb"},          // or "bgr"; size: a number or [width, height]
//     "text": {"vocabulary": "vocab.txt",  // one token a line, the line's index is its id
//              "lowercase": true, "max_length": 32, "tokenizer": "words",  // or "tandem"
//              "pad": "<pad>", "unknown": "<unk>", "end": "<eos>", "start": "<bos>"},
//     "answers": "answers.txt",            // vqa: one answer a line, in the logits' order
//     "tags": "tags.txt",                  // tagging: one tag a line, in the scores' order
//     "scores": "logits",                  // tagging: "logits" (sigmoid applied) or "probabilities"
//     "outputs": [{"name": "logits", "shape": ["batch", "answers"]},
//                 {"name": "attention", "shape": ["batch", 7, 7], "attention": true}]
//   }
//
// What the model is called with, by task (images: float [B, 3, H, W] after the
// input's normalisation; tokens: int64 [B, T] padded with "pad"; lengths: int64 [B]):
//   vqa        forward(images, tokens, lengths) -> logits [B, answers] (, attention [B, h, w]) (, features [B, C, h, w])
//   caption    forward(images) -> tokens [B, T] (, attention [B, T, h, w]): the model decodes; "end" stops a caption
//   retrieval  encode_image(images) -> [B, D] and encode_text(tokens, lengths) -> [B, D]
//   embedding  encode_image(images) -> [B, D]
//   tagging    forward(images) -> scores [B, tags] (, attention [B, h, w]): each tag on its own (multi-label)
// Outputs are listed in the order the method returns them (a tuple when more
// than one). Their shapes: numbers, or names that must agree ("batch"; "answers",
// the answers file's line count; "tags", the tags file's; any other name, the same size wherever it appears).
// A "features" output (role "features": true) is what Grad-CAM weighs, when the
// model is differentiable.
#include "data/runstore.h"
#include "util/expected.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <array>
#include <variant>
#include <vector>

namespace tandem {

enum class ManifestTask { Vqa, Caption, Retrieval, Embedding, Tagging };
QString manifestTaskName(ManifestTask task);
TaskKind taskKindOf(ManifestTask task); // embedding models run as retrieval (images only)

struct ManifestOutput {
    QString name;
    std::vector<std::variant<qint64, QString>> shape; // fixed sizes or symbolic names
    bool attention = false;
    bool features = false;
};

struct ModelManifest {
    QString file;                 // the manifest itself
    ManifestTask task = ManifestTask::Vqa;
    QString model;                // absolute path of the TorchScript file
    int width = 224, height = 224;
    std::array<double, 3> mean{0, 0, 0};
    std::array<double, 3> std{1, 1, 1};
    bool bgr = false;
    // Text (vqa, caption, retrieval).
    QStringList vocabulary;       // token of each id
    bool lowercase = true;
    int maxLength = 32;
    bool tandemTokenizer = false; // "tokenizer": "tandem": punctuation kept as tokens, as Tandem's own models read
    QString pad = QStringLiteral("<pad>"), unknown = QStringLiteral("<unk>"), end = QStringLiteral("<eos>");
    QString start; // captions: a token that begins them, not shown (optional)
    QStringList answers;          // vqa
    QStringList tags;             // tagging
    bool tagLogits = true;        // tagging: scores are logits (else probabilities)
    std::vector<ManifestOutput> outputs;

    bool hasText() const { return task != ManifestTask::Embedding && task != ManifestTask::Tagging; }
    int outputIndex(bool attention, bool features) const; // -1 when none
    // The id of a token, or of "unknown" (-1 when the vocabulary has neither).
    qint64 tokenId(const QString &token) const;
};

// True when `path` looks like a manifest (a .json file): the backends then
// read it with readManifest instead of as a checkpoint.
bool isManifestPath(const QString &path);

// Reads and checks the manifest and the files it names (not the model itself).
Expected<ModelManifest> readManifest(const QString &path);

// "[batch, answers]" / "[1, 3]": a shape for messages.
QString shapeText(const std::vector<std::variant<qint64, QString>> &shape);
QString shapeText(const std::vector<qint64> &sizes);

// Checks a model's actual output sizes against the manifest's output at
// `index`, with `known` symbolic sizes (batch, answers, ...) filled in as they
// are met. The error names the manifest, the output and both shapes.
Status checkOutputShape(const ModelManifest &manifest, int index, const std::vector<qint64> &sizes,
                        QJsonObject &known);

} // namespace tandem
