#include "train/throughputmeter.h"
#include "train/trainpresets.h"

#include <QTest>

using namespace tandem;

class TestTrainPresets : public QObject {
    Q_OBJECT
private slots:
    void namesRoundTrip();
    void vqaTrainsWithoutShifts();
    void selfCriticalOnlyForCaptions();
    void applySetsTheRequest();
    void vqaRecipeOnlyForVqa();
    void throughputLeavesTheFirstStepsOut();
};

void TestTrainPresets::namesRoundTrip()
{
    for (TrainPreset p : {TrainPreset::Quick, TrainPreset::Standard, TrainPreset::Thorough})
        QCOMPARE(parseTrainPreset(trainPresetName(p)), std::optional<TrainPreset>(p));
    QVERIFY(!parseTrainPreset(QStringLiteral("fast")));
    QCOMPARE(trainPresetName(TrainPreset::Standard), QStringLiteral("standard"));
}

void TestTrainPresets::vqaTrainsWithoutShifts()
{
    for (TrainPreset p : {TrainPreset::Quick, TrainPreset::Standard, TrainPreset::Thorough}) {
        QVERIFY(!trainPresetValues(p, TaskKind::Vqa).augment); // "is it on the left?" must stay true
        QVERIFY(trainPresetValues(p, TaskKind::Caption).augment);
        QVERIFY(trainPresetValues(p, TaskKind::Retrieval).augment);
    }
}

void TestTrainPresets::selfCriticalOnlyForCaptions()
{
    QCOMPARE(trainPresetValues(TrainPreset::Thorough, TaskKind::Caption).selfCriticalEpochs, 5);
    QCOMPARE(trainPresetValues(TrainPreset::Thorough, TaskKind::Vqa).selfCriticalEpochs, 0);
    QCOMPARE(trainPresetValues(TrainPreset::Thorough, TaskKind::Retrieval).selfCriticalEpochs, 0);
    const TrainPresetValues quick = trainPresetValues(TrainPreset::Quick, TaskKind::Caption);
    QVERIFY(quick.epochs < trainPresetValues(TrainPreset::Standard, TaskKind::Caption).epochs);
}

void TestTrainPresets::applySetsTheRequest()
{
    TrainRequest request;
    request.task = TaskKind::Vqa;
    request.augment = true;
    applyTrainPreset(request, TrainPreset::Standard);
    const TrainPresetValues v = trainPresetValues(TrainPreset::Standard, TaskKind::Vqa);
    QCOMPARE(request.epochs, v.epochs);
    QCOMPARE(request.batchImages, v.batchImages);
    QCOMPARE(request.learningRate, v.learningRate);
    QVERIFY(!request.augment);
    QCOMPARE(request.modelOptions, v.modelOptions);
}

void TestTrainPresets::vqaRecipeOnlyForVqa()
{
    // The standard preset is the recipe that leaves Sort-of-CLEVR's answer-prior plateau.
    const TrainPresetValues vqa = trainPresetValues(TrainPreset::Standard, TaskKind::Vqa);
    QCOMPARE(vqa.batchImages, 8);
    QCOMPARE(vqa.modelOptions.value(QStringLiteral("coordinate_channels")), QStringLiteral("true"));
    QCOMPARE(vqa.modelOptions.value(QStringLiteral("pixel_channels")), QStringLiteral("32"));
    QCOMPARE(vqa.modelOptions.value(QStringLiteral("film_gate")), QStringLiteral("true"));
    QCOMPARE(vqa.modelOptions.value(QStringLiteral("film_attention")), QStringLiteral("true"));
    QCOMPARE(vqa.modelOptions.value(QStringLiteral("film_relative")), QStringLiteral("true"));
    QCOMPARE(vqa.modelOptions.value(QStringLiteral("object_positions")), QStringLiteral("true"));
    QCOMPARE(vqa.epochs, 14); // the relations are learnt last: ten epochs left some seeds short
    QCOMPARE(trainPresetValues(TrainPreset::Thorough, TaskKind::Vqa).modelOptions, vqa.modelOptions);
    QCOMPARE(trainPresetValues(TrainPreset::Thorough, TaskKind::Vqa).epochs, 30);
    QVERIFY(trainPresetValues(TrainPreset::Quick, TaskKind::Vqa).modelOptions.isEmpty()); // a first look, fast
    for (TaskKind task : {TaskKind::Caption, TaskKind::Retrieval}) {
        QVERIFY(trainPresetValues(TrainPreset::Standard, task).modelOptions.isEmpty());
        QCOMPARE(trainPresetValues(TrainPreset::Standard, task).batchImages, 32);
        QCOMPARE(trainPresetValues(TrainPreset::Standard, task).epochs, 10);
    }
    TrainRequest request;
    request.modelOptions = {{QStringLiteral("dropout"), QStringLiteral("0.1")}};
    applyTrainPreset(request, TrainPreset::Quick);
    QVERIFY(request.modelOptions.isEmpty()); // the preset's, not what was there
}

void TestTrainPresets::throughputLeavesTheFirstStepsOut()
{
    ThroughputMeter meter;
    QCOMPARE(meter.rate(), 0.0);
    meter.add(0.5, 100); // a slow first step
    for (int i = 0; i < 9; ++i)
        meter.add(0.1, 100);
    QCOMPARE(meter.rate(), 1000.0 / 1.4); // a short session: every step counts
    for (int i = 0; i < 10; ++i)
        meter.add(0.2, 100);
    QCOMPARE(meter.rate(), 500.0); // twenty steps: the first ten are left out
}

QTEST_GUILESS_MAIN(TestTrainPresets)
#include "test_trainpresets.moc"
