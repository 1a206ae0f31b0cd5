#include "retrieval.h"

#include "data/embeddingstore.h"
#include "inference.h"

#include <c10/core/InferenceMode.h>

#include <QFileInfo>

namespace tandem::backend {

namespace {

bool samePath(const QString &a, const QString &b)
{
    const QFileInfo x(a), y(b);
    return x.absoluteFilePath() == y.absoluteFilePath()
           || (x.exists() && y.exists() && x.canonicalFilePath() == y.canonicalFilePath());
}

// The model request, with the checkpoint an embed run was made with when none is given.
Expected<InferenceRequest> modelRequest(ProjectStore &store, const RetrieveRequest &request)
{
    InferenceRequest r;
    r.project = request.project;
    r.checkpoint = request.checkpoint;
    r.split = request.split;
    r.batchImages = request.batchImages;
    r.device = request.device;
    r.threads = request.threads;
    if (request.embeddingsRun > 0) {
        auto run = embeddings::readRun(store, request.embeddingsRun);
        if (!run)
            return run.error();
        if (run->task != TaskKind::Retrieval)
            return Error::usage(QStringLiteral("run %1 holds a %2 model's image features, which have no text side: "
                                               "search by a sentence needs the embed run of a retrieval model")
                                    .arg(request.embeddingsRun).arg(taskName(run->task)));
        if (r.checkpoint.isEmpty())
            r.checkpoint = run->checkpoint;
        else if (!samePath(r.checkpoint, run->checkpoint))
            return Error::usage(QStringLiteral("run %1 holds the embeddings of %2, not of %3")
                                    .arg(request.embeddingsRun).arg(run->checkpoint, r.checkpoint));
    }
    if (r.checkpoint.isEmpty())
        return Error::usage(QStringLiteral("retrieval needs a checkpoint or an embed run"));
    return r;
}

// The stored vectors of the run, else those of the split's images and captions, computed now.
Expected<SplitEmbeddings> candidateEmbeddings(ProjectStore &store, const RetrieveRequest &request,
                                              LoadedModel &loaded, const PredictOptions &options)
{
    SplitEmbeddings embeddings;
    if (request.embeddingsRun > 0) {
        auto images = embeddings::load(store, request.embeddingsRun, "image");
        auto captions = embeddings::load(store, request.embeddingsRun, "caption");
        if (!images || !captions)
            return images ? captions.error() : images.error();
        embeddings.images = std::move(*images);
        embeddings.captions = std::move(*captions);
        return embeddings;
    }
    auto data = loadSplit(store, request.split);
    if (!data)
        return data.error();
    if (loaded.external)
        return externalEmbeddings(*loaded.external, *data, allImages(*data), options);
    return predictEmbeddings(loaded.model, *data, allImages(*data), loaded.codec, options);
}

// The query's vector: the text's, or the image's (its candidate row when it has one, so
// that stored and computed rankings agree exactly).
Expected<std::vector<float>> queryVector(ProjectStore &store, const RetrieveRequest &request, LoadedModel &loaded,
                                         const EmbeddingSet &images)
{
    if (!request.text.isEmpty())
        return loaded.external ? externalTextVector(*loaded.external, request.text.toStdString())
                               : embedText(loaded.model, loaded.codec, request.text.toStdString(), loaded.device);
    auto image = findImage(store, request.image);
    if (!image)
        return image.error();
    if (const long row = embeddings::rowOf(images, image->id); row >= 0)
        return std::vector<float>(images.row(size_t(row)), images.row(size_t(row)) + images.dimension);
    return loaded.external ? externalImageVector(*loaded.external, image->path)
                           : embedImageFile(loaded.model, image->path, loaded.imageSize, loaded.device);
}

Expected<std::vector<RetrievedItem>> rank(ProjectStore &store, const RetrieveRequest &request, const QString &kind,
                                          const EmbeddingSet &candidates, const std::vector<float> &query)
{
    if (candidates.size() == 0)
        return Error::input(QStringLiteral("there are no %1s to rank (split '%2', run %3)")
                                .arg(kind, request.split).arg(request.embeddingsRun), request.project);
    if (size_t(candidates.dimension) != query.size())
        return Error::input(QStringLiteral("the stored vectors have %1 dimensions, the model makes %2")
                                .arg(candidates.dimension).arg(query.size()), request.project);
    std::vector<RetrievedItem> items;
    for (const auto &[row, score] : embeddings::nearest(candidates, query.data(), request.k)) {
        RetrievedItem item;
        item.id = candidates.ids[row];
        item.score = score;
        auto text = embeddings::describe(store, kind == QLatin1String("caption"), item.id);
        if (!text)
            return text.error();
        item.imageId = text->imageId;
        item.image = text->image;
        item.caption = text->caption;
        items.push_back(std::move(item));
    }
    return items;
}

} // namespace

Expected<RetrieveResult> runRetrieve(const RetrieveRequest &request, TrainObserver *observer)
{
    if (request.text.isEmpty() == request.image.isEmpty())
        return Error::usage(QStringLiteral("retrieve with either a text or an image"));
    if (request.k < 1)
        return Error::usage(QStringLiteral("k must be at least 1"));
    auto store = ProjectStore::open(request.project);
    if (!store)
        return store.error();
    auto modelReq = modelRequest(*store, request);
    if (!modelReq)
        return modelReq.error();
    auto loaded = loadModel(*modelReq, TaskKind::Retrieval);
    if (!loaded)
        return loaded.error();
    RetrieveResult result;
    result.ranked = request.text.isEmpty() ? QStringLiteral("caption") : QStringLiteral("image");
    result.runId = request.embeddingsRun;
    try {
        c10::InferenceMode inference; // thread-local: set here, in the thread that runs the model
        auto embeddings = candidateEmbeddings(*store, request, *loaded, predictOptions(*modelReq, *loaded, observer));
        if (!embeddings)
            return embeddings.error();
        auto query = queryVector(*store, request, *loaded, embeddings->images);
        if (!query)
            return query.error();
        auto items = rank(*store, request, result.ranked,
                          request.text.isEmpty() ? embeddings->captions : embeddings->images, *query);
        if (!items)
            return items.error();
        result.items = std::move(*items);
    } catch (const CancelledError &) {
        return Error::cancelled();
    }
    return result;
}

} // namespace tandem::backend
