#pragma once
#include <QCommandLineParser>

namespace tandem {
struct TrainRequest;
}

namespace tandem::cli {

void declareDemo(QCommandLineParser &p);
int runDemo(QCommandLineParser &p);
void declareImport(QCommandLineParser &p);
int runImport(QCommandLineParser &p);
void declareExport(QCommandLineParser &p);
int runExport(QCommandLineParser &p);
void declareInfo(QCommandLineParser &p);
int runInfo(QCommandLineParser &p);
void declareSearch(QCommandLineParser &p);
int runSearch(QCommandLineParser &p);
void declareEval(QCommandLineParser &p);
int runEval(QCommandLineParser &p);
void declareCheck(QCommandLineParser &p);
int runCheck(QCommandLineParser &p);
void declareFormats(QCommandLineParser &p);
int runFormats(QCommandLineParser &p);
void declareExportModel(QCommandLineParser &p);
int runExportModel(QCommandLineParser &p);
void declarePlugins(QCommandLineParser &p);
int runPlugins(QCommandLineParser &p);
void declareTrain(QCommandLineParser &p);
int runTrain(QCommandLineParser &p);
void declareAnswer(QCommandLineParser &p);
int runAnswer(QCommandLineParser &p);
void declareCaption(QCommandLineParser &p);
int runCaption(QCommandLineParser &p);
void declareTag(QCommandLineParser &p);
int runTag(QCommandLineParser &p);
void declareEmbed(QCommandLineParser &p);
int runEmbed(QCommandLineParser &p);
void declareRetrieve(QCommandLineParser &p);
int runRetrieve(QCommandLineParser &p);
// The training options `train` and `compare` share, and their reading into a request.
void declareTrainOptions(QCommandLineParser &p);
int parseTrain(QCommandLineParser &p, TrainRequest &request);
void declareCompare(QCommandLineParser &p);
int runCompare(QCommandLineParser &p);
void declareRuns(QCommandLineParser &p);
int runRuns(QCommandLineParser &p);
void declareModels(QCommandLineParser &p);
int runModels(QCommandLineParser &p);
void declareAsk(QCommandLineParser &p);
int runAsk(QCommandLineParser &p);
void declareExplain(QCommandLineParser &p);
int runExplain(QCommandLineParser &p);
void declareAccept(QCommandLineParser &p);
int runAccept(QCommandLineParser &p);
void declarePointing(QCommandLineParser &p);
int runPointing(QCommandLineParser &p);
void declareProject(QCommandLineParser &p);
int runProject(QCommandLineParser &p);
void declareSimilar(QCommandLineParser &p);
int runSimilar(QCommandLineParser &p);
void declareRankUncertain(QCommandLineParser &p);
int runRankUncertain(QCommandLineParser &p);
void declareVersion(QCommandLineParser &p);
int runVersion(QCommandLineParser &p);

} // namespace tandem::cli
