#pragma once
// Decoded, resized training images kept for the run: after the first epoch a
// batch copies bytes instead of reading and decoding PNGs again. One cache per
// run (the Trainer's), so an image edited between runs is decoded afresh.
#include <QString>

#include <opencv2/core/mat.hpp>

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tandem::backend {

class DecodedImageCache {
public:
    // Images are kept until they take budgetBytes; later ones are decoded every time.
    explicit DecodedImageCache(size_t budgetBytes = defaultBudget());
    DecodedImageCache(const DecodedImageCache &) = delete;
    DecodedImageCache &operator=(const DecodedImageCache &) = delete;

    // The image as RGB bytes, size x size, shared and read-only: copy before
    // changing it. Thread-safe. Throws std::runtime_error naming the file when
    // it cannot be decoded (and keeps nothing for it).
    cv::Mat rgb(const QString &path, int size);

    // A quarter of the machine's memory, at most 4 GiB; TANDEM_IMAGE_CACHE_MB sets it (0: no cache).
    static size_t defaultBudget();

private:
    std::mutex m_mutex;
    std::unordered_map<std::string, cv::Mat> m_images; // key: size and path
    size_t m_bytes = 0;
    size_t m_budget;
};

// The image decoded with OpenCV as RGB and resized (INTER_AREA) to size x
// size, without a cache. Throws std::runtime_error naming the file.
cv::Mat decodeRgb(const QString &path, int size);
// The same at width x height, in RGB or (bgr) OpenCV's own BGR order.
cv::Mat decodeImage(const QString &path, int width, int height, bool bgr);

} // namespace tandem::backend
