#include "imagecache.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <unistd.h>

namespace tandem::backend {

cv::Mat decodeImage(const QString &path, int width, int height, bool bgr)
{
    cv::Mat image = cv::imread(path.toStdString(), cv::IMREAD_COLOR);
    if (image.empty())
        throw std::runtime_error("cannot decode the image " + path.toStdString()
                                 + "; run 'tandem-cli check --decode' to flag it");
    if (!bgr)
        cv::cvtColor(image, image, cv::COLOR_BGR2RGB);
    if (image.rows != height || image.cols != width)
        cv::resize(image, image, cv::Size(width, height), 0, 0, cv::INTER_AREA);
    return image.isContinuous() ? image : image.clone();
}

cv::Mat decodeRgb(const QString &path, int size)
{
    return decodeImage(path, size, size, false);
}

DecodedImageCache::DecodedImageCache(size_t budgetBytes) : m_budget(budgetBytes) {}

size_t DecodedImageCache::defaultBudget()
{
    if (const char *megabytes = std::getenv("TANDEM_IMAGE_CACHE_MB"))
        return size_t(std::max(0ll, std::atoll(megabytes))) << 20;
    const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
    const size_t physical = pages > 0 && pageSize > 0 ? size_t(pages) * size_t(pageSize) : size_t(8) << 30;
    return std::min(physical / 4, size_t(4) << 30);
}

cv::Mat DecodedImageCache::rgb(const QString &path, int size)
{
    const std::string key = std::to_string(size) + ' ' + path.toStdString();
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (const auto found = m_images.find(key); found != m_images.end())
            return found->second;
    }
    cv::Mat image = decodeRgb(path, size); // outside the lock: the loader and the trainer may both decode
    const size_t bytes = image.total() * image.elemSize();
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_bytes + bytes <= m_budget && m_images.emplace(key, image).second)
        m_bytes += bytes;
    return image;
}

} // namespace tandem::backend
