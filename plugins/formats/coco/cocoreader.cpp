// Reads COCO captions files. Several files (train + val) may be read into one
// dataset: ids are per file, image names are shared.
#include "cocoformat.h"

#include "formats/formatsupport.h"
#include "formats/json.h"
#include "util/paths.h"

#include <QFileInfo>
#include <simdjson.h>
#include <unordered_map>

namespace tandem::coco {

namespace {

using simdjson::dom::element;

QString quotedName(std::string_view s)
{
    return QLatin1Char('"') + QString::fromUtf8(s.data(), qsizetype(s.size())) + QLatin1Char('"');
}

// One file's images and captions, added to a dataset that may already hold
// other files' images.
class FileReader {
public:
    FileReader(Dataset &dataset, std::unordered_map<std::string, size_t> &byName, const json::Document &doc,
               std::string split, const Progress &progress)
        : m_dataset(dataset), m_byName(byName), m_doc(doc), m_split(std::move(split)), m_progress(progress),
          m_warnings(&dataset.warnings, QFileInfo(doc.file()).fileName())
    {
    }

    Status read();

private:
    Status readImages(const simdjson::dom::array &images, const json::Path &at);
    Status addImage(const element &value, const json::Path &at);
    Status readCaptions(const simdjson::dom::array &annotations, const json::Path &at);
    Status addCaption(const element &value, const json::Path &at);

    Dataset &m_dataset;
    std::unordered_map<std::string, size_t> &m_byName; // image name -> index, across files
    json::IdIndex m_byId;                              // this file's image ids
    const json::Document &m_doc;
    std::string m_split;
    const Progress &m_progress;
    formats::Warnings m_warnings;
};

Status FileReader::read()
{
    const json::Path top;
    auto root = m_doc.object(m_doc.root(), top);
    if (!root)
        return root.error();
    auto images = m_doc.array(*root, "images", top);
    if (!images)
        return images.error();
    auto annotations = m_doc.array(*root, "annotations", top);
    if (!annotations)
        return annotations.error();
    formats::reserveLarge(m_dataset.images, m_dataset.images.size() + images->size());
    formats::reserveLarge(m_dataset.captions, m_dataset.captions.size() + annotations->size());
    m_byId.reserve(images->size());
    m_byName.reserve(m_byName.size() + images->size());
    Status status = readImages(*images, top.key("images"));
    if (status)
        status = readCaptions(*annotations, top.key("annotations"));
    m_warnings.flush();
    return status;
}

Status FileReader::readImages(const simdjson::dom::array &images, const json::Path &at)
{
    formats::Steps steps(m_progress, qint64(images.size()), QStringLiteral("Reading images"));
    size_t i = 0;
    for (const element value : images) {
        if (steps.cancelled(qint64(i)))
            return Error::cancelled();
        if (Status added = addImage(value, at.index(i++)); !added)
            return added;
    }
    return {};
}

Status FileReader::addImage(const element &value, const json::Path &at)
{
    auto image = m_doc.object(value, at);
    if (!image)
        return image.error();
    auto id = m_doc.idKey(*image, "id", at);
    if (!id)
        return id.error();
    auto fileName = m_doc.string(*image, "file_name", at);
    if (!fileName)
        return fileName.error();
    auto width = m_doc.optionalSize(*image, "width", at);
    if (!width)
        return width.error();
    auto height = m_doc.optionalSize(*image, "height", at);
    if (!height)
        return height.error();
    std::string name = paths::normalizeName(*fileName);
    if (name.empty())
        return m_doc.error(at.key("file_name"), QStringLiteral("expected a file name, found an empty string"));

    if (const size_t known = m_byId.find(*id); known != json::IdIndex::npos) {
        const std::string &first = m_dataset.images[known].name;
        if (first != name)
            return m_doc.error(at.key("id"), QStringLiteral("image id %1 is used for both %2 and %3")
                                                 .arg(QString::fromStdString(id->toString()), quotedName(first), quotedName(name)));
        m_warnings.add("images listed twice (same id and file name), merged", [&] {
            return QStringLiteral("%1: image id %2 (%3) is listed twice; merged")
                .arg(QString::fromStdString(at.toString()), QString::fromStdString(id->toString()), quotedName(name));
        });
        return {};
    }
    const auto [byName, isNew] = m_byName.try_emplace(name, m_dataset.images.size());
    m_byId.insert(*id, byName->second);
    if (!isNew) {
        m_warnings.add("file names listed under two ids, merged into one image", [&] {
            return QStringLiteral("%1: %2 is listed under ids %3 and %4; they are one image")
                .arg(QString::fromStdString(at.toString()), quotedName(name),
                     QString::fromStdString(m_dataset.images[byName->second].extId), QString::fromStdString(id->toString()));
        });
        return {};
    }
    DatasetImage &added = m_dataset.images.emplace_back();
    added.name = std::move(name);
    added.extId = id->toString();
    added.width = *width;
    added.height = *height;
    added.split = m_split;
    return {};
}

Status FileReader::readCaptions(const simdjson::dom::array &annotations, const json::Path &at)
{
    formats::Steps steps(m_progress, qint64(annotations.size()), QStringLiteral("Reading captions"));
    size_t i = 0;
    for (const element value : annotations) {
        if (steps.cancelled(qint64(i)))
            return Error::cancelled();
        if (Status added = addCaption(value, at.index(i++)); !added)
            return added;
    }
    return {};
}

Status FileReader::addCaption(const element &value, const json::Path &at)
{
    auto annotation = m_doc.object(value, at);
    if (!annotation)
        return annotation.error();
    auto imageId = m_doc.idKey(*annotation, "image_id", at);
    if (!imageId)
        return imageId.error();
    auto caption = m_doc.string(*annotation, "caption", at);
    if (!caption)
        return caption.error();
    auto id = m_doc.optionalId(*annotation, "id", at);
    if (!id)
        return id.error();
    const size_t image = m_byId.find(*imageId);
    if (image == json::IdIndex::npos)
        return m_doc.error(at.key("image_id"), QStringLiteral("no image has id %1").arg(QString::fromStdString(imageId->toString())));
    m_dataset.captions.push_back({image, std::string(*caption), std::move(*id)});
    return {};
}

Status readFile(const QString &path, const ImportOptions &options, Dataset &dataset,
                std::unordered_map<std::string, size_t> &byName, const Progress &progress)
{
    if (QFileInfo(path).isDir())
        return Error::usage(QStringLiteral("%1 is a folder: COCO reads a captions file such as captions_train2017.json").arg(path));
    progress.report(0, 0, QStringLiteral("Parsing %1").arg(QFileInfo(path).fileName()));
    auto text = json::readText(path, &dataset.warnings);
    if (!text)
        return text.error();
    json::Document doc;
    if (Status parsed = doc.parse(*text, std::string_view(text->constData(), size_t(text->size())), path); !parsed)
        return parsed;
    // The text (73 MB for COCO train2017) and the parser's index of it (60 MB
    // touched) go before the images and captions are copied out of the tree.
    doc.releaseInput();
    *text = QByteArray();
    std::string split = options.split.isEmpty() ? formats::guessSplit(QFileInfo(path).fileName().toStdString())
                                                : options.split.toStdString();
    return FileReader(dataset, byName, doc, std::move(split), progress).read();
}

} // namespace

Expected<Dataset> read(const ImportOptions &options, const Progress &progress)
{
    if (options.files.isEmpty())
        return Error::usage(QStringLiteral("COCO: name the captions file to read"));
    Dataset dataset;
    std::unordered_map<std::string, size_t> byName;
    for (const QString &file : options.files)
        if (Status status = readFile(file, options, dataset, byName, progress); !status)
            return status.error();
    return dataset;
}

} // namespace tandem::coco
