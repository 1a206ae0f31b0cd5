// Writes a COCO captions file: one image or annotation per line, so the
// output stays readable in an editor and diffable, yet parses like the original.
#include "cocoformat.h"

#include "formats/formatsupport.h"
#include "formats/json.h"

#include <QDate>

namespace tandem::coco {

namespace {

void appendInfo(std::string &out)
{
    out += "{\"info\":{\"description\":\"Exported by Tandem\",\"version\":\"1.0\",\"year\":";
    json::appendNumber(out, QDate::currentDate().year());
    out += ",\"contributor\":\"\",\"url\":\"\",\"date_created\":";
    json::appendString(out, QDate::currentDate().toString(Qt::ISODate).toStdString());
    out += "},\n\"licenses\":[],\n";
}

bool appendImages(std::string &out, const Dataset &dataset, const std::vector<int64_t> &ids, const Progress &progress)
{
    formats::Steps steps(progress, qint64(dataset.images.size()), QStringLiteral("Writing images"));
    out += "\"images\":[";
    for (size_t i = 0; i < dataset.images.size(); ++i) {
        if (steps.cancelled(qint64(i)))
            return false;
        const DatasetImage &image = dataset.images[i];
        out += i ? ",\n{\"id\":" : "\n{\"id\":";
        json::appendNumber(out, ids[i]);
        out += ",\"file_name\":";
        json::appendString(out, image.name);
        out += ",\"width\":";
        json::appendNumber(out, image.width);
        out += ",\"height\":";
        json::appendNumber(out, image.height);
        out += '}';
    }
    out += "],\n";
    return true;
}

bool appendCaptions(std::string &out, const Dataset &dataset, const std::vector<int64_t> &imageIds,
                    const Progress &progress)
{
    const std::vector<int64_t> ids = formats::assignExtIds(dataset.captions);
    formats::Steps steps(progress, qint64(dataset.captions.size()), QStringLiteral("Writing captions"));
    out += "\"annotations\":[";
    for (size_t i = 0; i < dataset.captions.size(); ++i) {
        if (steps.cancelled(qint64(i)))
            return false;
        const DatasetCaption &caption = dataset.captions[i];
        out += i ? ",\n{\"id\":" : "\n{\"id\":";
        json::appendNumber(out, ids[i]);
        out += ",\"image_id\":";
        json::appendNumber(out, imageIds[caption.image]);
        out += ",\"caption\":";
        json::appendString(out, caption.text);
        out += '}';
    }
    out += "]}\n";
    return true;
}

} // namespace

Status write(const Dataset &dataset, const ExportOptions &options, const Progress &progress)
{
    if (options.output.isEmpty())
        return Error::usage(QStringLiteral("COCO: name the file to write"));
    std::string out;
    formats::reserveLarge(out, 256 + dataset.images.size() * 80 + dataset.captions.size() * 100);
    appendInfo(out);
    const std::vector<int64_t> ids = formats::assignExtIds(dataset.images);
    if (!appendImages(out, dataset, ids, progress) || !appendCaptions(out, dataset, ids, progress))
        return Error::cancelled();
    return json::writeFile(options.output, out);
}

} // namespace tandem::coco
