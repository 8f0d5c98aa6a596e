"""在线学习: the study library, courses, assignments, quizzes and honest study records."""
