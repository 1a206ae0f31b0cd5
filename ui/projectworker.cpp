#include "projectworker.h"

#include "data/imagedetail.h"
#include "data/projectstore.h"

namespace tandem {

ProjectWorker::ProjectWorker(QObject *parent)
    : QObject(parent), m_store(std::make_shared<std::unique_ptr<ProjectStore>>())
{
    m_thread.setObjectName(QStringLiteral("project-writer"));
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

ProjectWorker::~ProjectWorker()
{
    // Edits already posted still run: what the user confirmed is written.
    post([store = m_store](ProjectStore &) { store->reset(); });
    m_thread.quit();
    m_thread.wait();
}

void ProjectWorker::open(const QString &path)
{
    m_path = path;
    QMetaObject::invokeMethod(m_context, [this, store = m_store, path] {
        store->reset();
        auto project = ProjectStore::open(path);
        if (!project) {
            emit openFailed(path, project.error().toString());
            return;
        }
        *store = std::make_unique<ProjectStore>(std::move(project.value()));
        emit opened(path);
        emitLists(**store);
    }, Qt::QueuedConnection);
}

void ProjectWorker::post(std::function<void(ProjectStore &)> task)
{
    QMetaObject::invokeMethod(m_context, [store = m_store, task = std::move(task)] {
        if (*store)
            task(**store);
    }, Qt::QueuedConnection);
}

void ProjectWorker::emitLists(ProjectStore &store)
{
    if (auto counts = statusCounts(store))
        emit countsChanged(*counts);
    if (auto tags = tagNames(store))
        emit tagsChanged(*tags);
    if (auto splits = splitNames(store))
        emit splitsChanged(*splits);
}

void ProjectWorker::edit(const std::vector<qint64> &imageIds, Edit edit)
{
    post([this, imageIds, edit = std::move(edit)](ProjectStore &store) {
        if (const Status done = edit(store); !done)
            emit editFailed(done.error().toString());
        emit imagesChanged(imageIds);
        emitLists(store);
    });
}

void ProjectWorker::editImages(ImagesEdit edit)
{
    post([this, edit = std::move(edit)](ProjectStore &store) {
        const Expected<std::vector<qint64>> touched = edit(store);
        if (!touched)
            emit editFailed(touched.error().toString());
        else
            emit imagesChanged(*touched);
        emitLists(store);
    });
}

void ProjectWorker::loadDetail(qint64 imageId)
{
    post([this, imageId](ProjectStore &store) {
        auto detail = loadImageDetail(store, imageId);
        if (detail)
            emit detailLoaded(*detail);
        else
            emit detailFailed(imageId, detail.error().toString());
    });
}

void ProjectWorker::refreshLists()
{
    post([this](ProjectStore &store) { emitLists(store); });
}

} // namespace tandem
